/**
 * @module The xlsx prints: LibreOffice converts each report to PDF, and every page's text (pdftotext) is
 * checked: A4 pages, the cover on one page with each label beside its value, every table one page wide
 * with its header row repeated on each page, each row's labels and values on the same page, and a page
 * header and footer with title, period and "第 N 页 共 M 页".
 *
 * Needs `soffice` (Debian libreoffice-calc-nogui) and `pdftotext`/`pdfinfo` (Debian poppler-utils).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineInputs } from './inputs.ts';
import { buildReport } from './model.ts';
import { renderXlsx } from './xlsx.ts';
import { syntheticOctober } from './testing.ts';
import { isA4, pdfPages, pdfPageSizes, xlsxToPdf } from './testing-pdf.ts';
import type { ReportModel } from './types.ts';
import { byDimension } from './breakdown.ts';

const AT = '2026-11-01T03:30:00+08:00';
const syn = syntheticOctober(200);
const inputs = engineInputs(syn);
const FORM = {
  table_no: '数基监01表',
  authority: '国家数据局',
  approved_by: '国家统计局',
  approval_no: '国统制〔2026〕18号',
  valid_until: '2028年12月',
  units: { '44': '广东省数据局', nation: '国家数据局' },
  unit_head: '张三',
  stats_head: '李四',
  preparer: '王五',
};

/** Whitespace-insensitive: pdftotext spaces table columns out. */
const squash = (s: string) => s.replace(/\s+/g, ' ');

/** Whether `a` and `b` stand on one line of the page (a row's label and its value). */
function sameLine(page: string, a: string, b: string): boolean {
  return page.split('\n').some((l) => l.includes(a) && l.includes(b));
}

/** The breakdown's sheets, one per dimension, each with its first labels and its last indicator's code. */
function perDimension(m: ReportModel, base: string, first: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const g of byDimension(m)) {
    const last = m.summary.find((s) => s.indicator === m.breakdown.indicators[g.columns.at(-1)!])!;
    out[`${base}-${g.dimension}`] = [...first, last.code];
  }
  return out;
}

function checkPages(m: ReportModel, pdf: Buffer, sheets: Record<string, string[]>): string[] {
  const problems: string[] = [];
  const pages = pdfPages(pdf);
  const sizes = pdfPageSizes(pdf);
  const title = m.level === 'nation' ? '全国数据基础设施监测汇总报告' : `${m.scope.name}数据基础设施监测报告`;
  const bySheet = new Map<string, number[]>();
  pages.forEach((text, i) => {
    const n = i + 1;
    if (!isA4(sizes[i]!)) problems.push(`page ${n}: not A4 (${sizes[i]!.width} x ${sizes[i]!.height} pt)`);
    if (!squash(text).includes(`第 ${n} 页 共 ${pages.length} 页`))
      problems.push(`page ${n}: no footer "第 ${n} 页 共 ${pages.length} 页"`);
    if (!text.includes(title)) problems.push(`page ${n}: the title is not in its header`);
    if (!text.includes(m.period.name)) problems.push(`page ${n}: the period is not in its header`);
    // The longest name first: 分省数据质量 also ends in 数据质量.
    const sheet = Object.keys(sheets)
      .sort((a, b) => b.length - a.length)
      .find((s) => text.includes(`${s} ·`));
    if (!sheet) problems.push(`page ${n}: its header names no sheet`);
    else bySheet.set(sheet, [...(bySheet.get(sheet) ?? []), i]);
  });
  for (const [sheet, labels] of Object.entries(sheets)) {
    const on = bySheet.get(sheet) ?? [];
    if (on.length === 0) problems.push(`${sheet}: no page`);
    // Repeated header rows, and one page wide: the first and the last column's labels are on every page.
    for (const i of on)
      for (const label of labels)
        if (!squash(pages[i]!).includes(label)) problems.push(`${sheet}, page ${i + 1}: header label ${label} missing`);
  }
  const cover = bySheet.get('封面') ?? [];
  if (cover.length !== 1) problems.push(`the cover takes ${cover.length} pages, not 1`);
  else {
    const c = pages[cover[0]!]!;
    if (!c.includes(title)) problems.push(`cover: the whole title ${title} is not on the page`);
    const pairs: Array<[string, string]> = [
      ['统计期', m.period.name],
      ['应报中心数', String(m.coverage.centers_expected)],
      ['已报中心数', String(m.coverage.centers_reported)],
      ['指标目录版本', m.catalog_version],
      ['表号', FORM.table_no],
      ['制表机关', FORM.authority],
      ['批准文号', FORM.approval_no],
      ['有效期至', FORM.valid_until],
      ['填报单位', m.form.unit],
      ['单位负责人', FORM.unit_head],
      ['填表人', FORM.preparer],
      ['报出日期', m.form.submitted],
    ];
    for (const [label, value] of pairs)
      if (!sameLine(c, label, value)) problems.push(`cover: ${label} and its value ${value} are not on one line`);
  }
  // Every summary row: code, name and unit on one line of a summary page.
  const summary = (bySheet.get('指标汇总') ?? []).map((i) => pages[i]!);
  for (const r of m.summary) {
    const page = summary.find((p) => p.includes(r.code));
    if (!page) problems.push(`summary: ${r.code} on no page`);
    else if (!sameLine(page, r.code, r.name.slice(0, 4)))
      problems.push(`summary: ${r.code} and ${r.name} are not on one line`);
  }
  // Every breakdown row: its code and name on one line of each dimension's pages.
  const base = m.level === 'nation' ? '分省明细' : '中心明细';
  for (const sheet of Object.keys(sheets).filter((s) => s.startsWith(`${base}-`) && s.length === base.length + 2)) {
    const rows = (bySheet.get(sheet) ?? []).map((i) => pages[i]!);
    for (const r of m.breakdown.rows)
      if (!rows.some((p) => sameLine(p, r.code, r.name.slice(0, 4))))
        problems.push(`${sheet}: ${r.code} ${r.name} not on one line of any page`);
  }
  return problems;
}

test(
  'the provincial xlsx prints on A4: cover on one page, tables one page wide, headers and page numbers',
  { timeout: 600_000 },
  async () => {
    const m = await buildReport(inputs, { scope: '44', period: '2026-10', generatedAt: AT, form: FORM });
    assert.ok(m.breakdown.rows.length >= 5, `enough centers to span pages (${m.breakdown.rows.length})`);
    const pdf = xlsxToPdf(await renderXlsx(m));
    const problems = checkPages(m, pdf, {
      封面: [],
      指标汇总: ['编号', '指标', '数值', '官方目标', '说明'],
      图表: [],
      ...perDimension(m, '中心明细', ['中心编号', '中心名称']),
      数据质量: ['中心编号', '问题'],
      指标说明: ['编号', '计算方法', '目标依据'],
    });
    assert.deepEqual(problems, []);
    const pages = pdfPages(pdf).length;
    assert.ok(pages <= 20, `${pages} pages`);
  },
);

test('the national xlsx prints on A4 the same way', { timeout: 600_000 }, async () => {
  const m = await buildReport(inputs, {
    scope: 'nation',
    period: '2026-10',
    generatedAt: AT,
    suppress: true,
    form: FORM,
  });
  const pdf = xlsxToPdf(await renderXlsx(m));
  const problems = checkPages(m, pdf, {
    封面: [],
    指标汇总: ['编号', '指标', '数值', '官方目标', '说明'],
    图表: [],
    ...perDimension(m, '分省明细', ['省份', '名称']),
    ...perDimension(m, '分省明细-全国排名', ['省份', '名称']),
    数据质量: ['中心编号', '问题'],
    分省数据质量: ['省份', '应报中心数'],
    指标说明: ['编号', '计算方法', '目标依据'],
  });
  assert.deepEqual(problems, []);
});
