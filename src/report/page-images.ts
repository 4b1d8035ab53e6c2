/**
 * @module Draws the report page images in docs/ (`npm run gen:report-pages`): a province's (Guizhou) and one of its
 * centers' October 2026 PDF, built by the engine from a synthetic fleet of 186 centers with 13 months of records and
 * a filled-in form header, each page turned into a 90 dpi PNG by pdftoppm (Debian poppler-utils); the pages the
 * README shows are copied into docs/.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultCatalog } from '../catalog/load.ts';
import { syntheticFleet } from '../engine/synthetic.ts';
import { engineInputs } from './inputs.ts';
import { generateReport } from './render.ts';
import { closePdfEngine } from './pdf.ts';
import type { FormConfig } from './model.ts';

const PERIOD = '2026-10';
const PROVINCE = '52';
/** docs/ file → the page it shows, found by a text it holds (page numbers move when a table grows). */
const PROVINCE_PAGES = {
  'report-province-cover.png': '表号',
  'report-province-charts.png': '主要指标全国排名',
  'report-province-summary.png': '指标汇总',
  'report-province-centers.png': '中心明细 · A',
};
const CENTER_PAGES = {
  'report-center-cover.png': '表号',
  'report-center-charts.png': '主要指标省内排名',
  'report-center-changes.png': '与上期相比的主要变化',
};

const catalog = defaultCatalog();
// October 2025 to October 2026: trends, the previous month and a year earlier all have values.
const { registry, records } = syntheticFleet(catalog, {
  centers: 186,
  days: 396,
  seed: 52,
  fromMs: Date.parse('2025-10-01T00:00:00+08:00'),
});
const inputs = engineInputs({ catalog, registry, records });
const center = registry.centers.filter((c) => c.province === PROVINCE).sort((a, b) => a.id.localeCompare(b.id))[0]!;
const form: FormConfig = {
  table_no: '数基监01表',
  authority: '国家数据局',
  approved_by: '国家统计局',
  approval_no: '国统制〔2026〕18号',
  valid_until: '2028年12月',
  units: { [PROVINCE]: '贵州省数据局', [center.id]: `${center.name}运营单位` },
  unit_head: '张三',
  stats_head: '李四',
  preparer: '王五',
};
const generatedAt = new Date('2026-11-01T03:30:00+08:00');
const dir = mkdtempSync(path.join(tmpdir(), 'dims-report-pages-'));

/** Prints the PDF's pages to PNGs and copies the wanted ones into docs/. */
function pages(name: string, pdf: Buffer, wanted: Record<string, string>): void {
  const file = path.join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  const count = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
  execFileSync('pdftoppm', ['-r', '90', '-png', file, path.join(dir, name)]);
  const texts = Array.from({ length: count }, (_, i) =>
    execFileSync('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), file, '-'], { encoding: 'utf8' }),
  );
  for (const [doc, text] of Object.entries(wanted)) {
    const i = texts.findIndex((t) => t.includes(text));
    if (i < 0) throw new Error(`${name}: no page holds ${text}`);
    const png = path.join(dir, `${name}-${String(i + 1).padStart(String(count).length, '0')}.png`);
    copyFileSync(png, path.join('docs', doc));
    console.log(`docs/${doc}: page ${i + 1} of ${count}`);
  }
}

try {
  const province = await generateReport(inputs, { scope: PROVINCE, period: PERIOD, generatedAt, form }, 'pdf');
  pages('province', province.body, PROVINCE_PAGES);
  const own = await generateReport(
    inputs,
    { scope: center.id, period: PERIOD, generatedAt, form, center: true },
    'pdf',
  );
  pages('center', own.body, CENTER_PAGES);
} finally {
  await closePdfEngine();
  rmSync(dir, { recursive: true, force: true });
}
