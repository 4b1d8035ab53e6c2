/**
 * @module PDF reports printed by Chromium: A4 pages (portrait cover and charts, landscape tables), the cover
 * with the statistical form header on page 1, Chinese that reads back as text (a CJK font, not boxes), the
 * charts' titles, page headers and "第 N 页 共 M 页"; a center's report; and a clear error naming what to
 * install when Chromium is missing.
 *
 * Needs Chromium and fonts-noto-cjk (Debian) and poppler-utils for reading the pages back.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { engineInputs } from './inputs.ts';
import { buildReport } from './model.ts';
import { buildCenterReport } from './center.ts';
import { closePdfEngine, PdfEngineMissing, renderPdf } from './pdf.ts';
import { syntheticOctober } from './testing.ts';
import { isA4, pdfPages, pdfPageSizes } from './testing-pdf.ts';

const AT = '2026-11-01T03:30:00+08:00';
const syn = syntheticOctober(124);
const inputs = engineInputs(syn);
const FORM = { table_no: '数基监01表', authority: '国家数据局', units: { '44': '广东省数据局' }, preparer: '王五' };
after(() => closePdfEngine());

const squash = (s: string) => s.replace(/\s+/g, ' ');

test(
  'a provincial PDF: cover with the form header, charts, tables on A4, headers and page numbers',
  { timeout: 300_000 },
  async () => {
    const m = await buildReport(inputs, { scope: '44', period: '2026-10', generatedAt: AT, form: FORM });
    const pdf = await renderPdf(m);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    const pages = pdfPages(pdf);
    const sizes = pdfPageSizes(pdf);
    assert.ok(pages.length >= 5, `${pages.length} pages`);
    assert.ok(sizes.every(isA4), 'every page is A4');
    assert.ok(sizes[0]!.height > sizes[0]!.width, 'the cover is portrait');
    assert.ok(
      sizes.some((s) => s.width > s.height),
      'wide tables are on landscape pages',
    );
    pages.forEach((text, i) => {
      assert.ok(squash(text).includes(`第 ${i + 1} 页 共 ${pages.length} 页`), `page ${i + 1} footer`);
      assert.ok(text.includes('广东省数据基础设施监测报告'), `page ${i + 1} header title`);
    });
    const cover = pages[0]!;
    for (const s of [
      '表号',
      '数基监01表',
      '制表机关',
      '国家数据局',
      '批准文号',
      '有效期至',
      '填报单位',
      '广东省数据局',
    ])
      assert.ok(cover.includes(s), `cover has ${s}`);
    for (const s of ['单位负责人', '统计负责人', '填表人', '王五', '报出日期', '2026-11-01'])
      assert.ok(cover.includes(s), `cover has ${s}`);
    const charts = pages.find((p) => p.includes('主要指标全国排名'));
    assert.ok(charts, 'the ranks chart prints with its title as text');
    for (const s of ['电能利用效率', '总用电量', 'IT负荷使用率', '国产加速卡占比', '本省各中心电能利用效率分布'])
      assert.ok(charts.includes(s) || pages.some((p) => p.includes(s)), `chart ${s}`);
    const all = pages.join('\n');
    for (const r of m.summary) assert.ok(all.includes(r.code), `summary row ${r.code}`);
    for (const r of m.breakdown.rows) assert.ok(all.includes(r.code), `center ${r.code}`);
    // Definitions: each direction on one line (a source's long URL once squeezed that column to one character).
    const defs = pages.filter((p) => p.includes('计算方法'));
    assert.ok(defs.length > 0 && defs.length <= 4, `definitions on ${defs.length} pages`);
    assert.ok(
      defs.some((p) => p.includes('越高越好')),
      'a direction reads on one line',
    );
  },
);

test(
  "a center's PDF: its indicators, rank in the province, completeness and changes",
  { timeout: 300_000 },
  async () => {
    const center = syn.registry.centers.find((c) => c.province === '44')!;
    const m = await buildCenterReport(inputs, { scope: center.id, period: '2026-10', generatedAt: AT });
    const pages = pdfPages(await renderPdf(m));
    const all = pages.join('\n');
    assert.ok(pages[0]!.includes(`${center.name}运行监测报告`), 'the center title on the cover');
    for (const s of [
      '省份',
      '广东省',
      '本期已报送',
      '时间覆盖率',
      '主要指标省内排名',
      '省内排名',
      '与上期相比的主要变化',
    ])
      assert.ok(all.includes(s), s);
  },
);

test('without Chromium the answer names what to install, and no file is made', async () => {
  const saved = process.env.DIMS_CHROMIUM;
  process.env.DIMS_CHROMIUM = '/nonexistent/chromium';
  try {
    const m = await buildReport(inputs, { scope: '44', period: '2026-10', generatedAt: AT });
    await assert.rejects(
      renderPdf(m),
      (e: unknown) =>
        e instanceof PdfEngineMissing && /DIMS_CHROMIUM=\/nonexistent\/chromium does not exist/.test(e.message),
    );
  } finally {
    if (saved === undefined) delete process.env.DIMS_CHROMIUM;
    else process.env.DIMS_CHROMIUM = saved;
  }
  const { chromiumPath } = await import('./pdf.ts');
  assert.throws(
    () => chromiumPath({}, ['/nonexistent/chromium']),
    (e: unknown) => e instanceof PdfEngineMissing && /apt-get install chromium fonts-noto-cjk/.test(e.message),
  );
});
