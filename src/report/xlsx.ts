/**
 * @module The Excel rendering of a report (exceljs): cover, summary, charts, breakdown (one sheet per
 * dimension, so each prints one A4 page wide), changes (center report), data quality and definitions.
 *
 * Numbers are written as numbers with number formats (an auditor can sum a column), empty values stay
 * empty with their reason in a note column, headers are frozen and columns sized, and every sheet has a
 * print layout (xlsx-print.ts). The zip's entry times are set to the generation time, so rendering the
 * same model twice gives the same bytes.
 */
import ExcelJS from 'exceljs';
import type { Lang } from '../catalog/docs.ts';
import type { Change, Comparison, ReportModel, SummaryRow, TargetState } from './types.ts';
import { localTime } from './local-time.ts';
import { DIRECTIONS, ISSUES, REASONS, STATUS, t, word } from './text.ts';
import { reportTitle } from './title.ts';
import { dataStatus } from './status.ts';
import { changeText } from './changes.ts';
import { byDimension } from './breakdown.ts';
import { cover } from './xlsx-cover.ts';
import { chartsSheet } from './xlsx-charts.ts';
import { fixZipTimes, printSetup, setPrintArea } from './xlsx-print.ts';
import { FILL_MISSED, FONT_MISSED, FONT_NAME, header, mark, sheet, widths } from './xlsx-style.ts';

type Cellish = string | number | null;

/** Number format by unit: counts as integers, ratios like PUE to three places, shares to one. */
export function numberFormat(unit: string): string {
  switch (unit) {
    case 'count':
    case 'racks':
      return '#,##0';
    case '%':
    case 'pp':
      return '#,##0.0';
    case 'ratio':
    case 'L/kWh':
    case 'kgCO2/kWh':
      return '0.000';
    case 'EB':
    case 'EFLOPS':
      return '#,##0.0000';
    default:
      return '#,##0.00';
  }
}

const PCT_CHANGE = '+0.0"%";-0.0"%";0.0"%"';
const SHARE = '0.0%';

const ZIP_FAST = { zip: { compression: 'DEFLATE', compressionOptions: { level: 1 } } } as ExcelJS.XlsxWriteOptions;

/** Renders the model as an xlsx file. */
export async function renderXlsx(model: ReportModel): Promise<Buffer> {
  const wb = await workbook(model);
  // Deflate level 1: exceljs deflates in JavaScript, and level 6 (its default) took 41 ms of a province workbook's
  // zip where level 1 takes 30 ms, for a file 3 % larger (most of its bytes are chart PNGs, which do not compress).
  const buf = Buffer.from(await wb.xlsx.writeBuffer(ZIP_FAST));
  return fixZipTimes(buf, Date.parse(model.generated_at), model.period.tz);
}

/** Builds the exceljs workbook (exposed for tests that inspect styles). */
export async function workbook(model: ReportModel): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  const when = new Date(model.generated_at);
  wb.creator = 'dims';
  wb.lastModifiedBy = 'dims';
  wb.created = when;
  wb.modified = when;
  wb.title = reportTitle(model);
  cover(wb, model);
  summary(wb, model);
  await chartsSheet(wb, model);
  if (model.level === 'center') changes(wb, model);
  else {
    breakdown(wb, model, 'value');
    if (model.level === 'nation') breakdown(wb, model, 'rank');
  }
  quality(wb, model);
  if (model.level === 'nation') provinceQuality(wb, model);
  definitions(wb, model);
  return wb;
}

function reasonText(reason: string | null, lang: Lang): string {
  return reason ? word(REASONS, reason, lang) : '';
}

function summaryNote(r: SummaryRow, L: Lang): string {
  return reasonText(r.value === null ? r.reason : null, L);
}

interface Column<R> {
  label: string;
  width: number;
  get: (r: R) => Cellish;
  fmt?: (r: R) => string;
  status?: boolean;
}

/** Writes a table: header row, one row per item with number formats and target marks. */
function table<R extends { target_status: TargetState }>(ws: ExcelJS.Worksheet, cols: Column<R>[], items: R[]): void {
  header(
    ws,
    cols.map((c) => c.label),
  );
  widths(
    ws,
    cols.map((c) => c.width),
  );
  for (const r of items) {
    const row = ws.addRow(cols.map((c) => c.get(r)));
    row.alignment = { vertical: 'middle', wrapText: true };
    cols.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      if (c.fmt && cell.value !== null) cell.numFmt = c.fmt(r);
      if (c.status) mark(cell, r.target_status);
    });
  }
}

function summary(wb: ExcelJS.Workbook, m: ReportModel): void {
  const L = m.lang;
  const ranked = m.level !== 'nation';
  const center = m.level === 'center';
  const ws = sheet(wb, t('sheet_summary', L), { row: 1, col: 3 });
  const cols: Column<SummaryRow>[] = [
    { label: t('dimension', L), width: 10, get: (r) => `${r.dimension} ${r.dimension_name}` },
    { label: t('code', L), width: 6, get: (r) => r.code },
    { label: t('indicator', L), width: 20, get: (r) => r.name },
    { label: t('unit', L), width: 10, get: (r) => r.unit },
    { label: t('direction', L), width: 9, get: (r) => DIRECTIONS[r.direction][L] },
    { label: t('value', L), width: 12, get: (r) => r.value, fmt: (r) => numberFormat(r.unit), status: true },
    { label: t('target', L), width: 13, get: (r) => r.target?.text ?? '' },
    { label: t('target_status', L), width: 7, get: (r) => word(STATUS, r.target_status, L), status: true },
    ...(ranked
      ? [
          { label: t(center ? 'rank_center' : 'rank', L), width: 7, get: (r: SummaryRow) => r.rank, fmt: () => '0' },
          {
            label: t(center ? 'rank_of_center' : 'rank_of', L),
            width: 8,
            get: (r: SummaryRow) => r.rank_of,
            fmt: () => '0',
          },
        ]
      : []),
    ...compareCols(L, 'previous'),
    ...compareCols(L, 'year_ago'),
    ...(center ? [] : [{ label: t('centers', L), width: 7, get: (r: SummaryRow) => r.centers, fmt: () => '#,##0' }]),
    { label: t('coverage_centers', L), width: 8, get: (r) => r.coverage.centers, fmt: () => SHARE },
    { label: t('coverage_energy', L), width: 8, get: (r) => r.coverage.it_energy, fmt: () => SHARE },
    { label: t('note', L), width: 13, get: (r) => summaryNote(r, L) },
  ];
  table(ws, cols, m.summary);
  ws.getRow(1).height = 45;
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
  printSetup(ws, m, { orientation: 'landscape', titleRows: '1:1' });
  setPrintArea(ws, cols.length);
}

function compareCols(L: Lang, which: 'previous' | 'year_ago'): Column<SummaryRow>[] {
  const pick = (r: SummaryRow): Comparison => r[which];
  const labels =
    which === 'previous'
      ? (['previous_value', 'change', 'change_pct'] as const)
      : (['year_ago_value', 'yoy_change', 'yoy_change_pct'] as const);
  return [
    { label: t(labels[0], L), width: 11, get: (r) => pick(r).value, fmt: (r) => numberFormat(r.unit) },
    {
      label: t(labels[1], L),
      width: 10,
      get: (r) => pick(r).change,
      fmt: (r) => `+${numberFormat(r.unit)};-${numberFormat(r.unit)};${numberFormat(r.unit)}`,
    },
    { label: t(labels[2], L), width: 8, get: (r) => pick(r).change_pct, fmt: () => PCT_CHANGE },
  ];
}

/** The sheet name of one dimension's breakdown: 中心明细-A, 分省明细-全国排名-C. */
export function breakdownSheetName(m: ReportModel, what: 'value' | 'rank', dimension: string): string {
  const L = m.lang;
  const base = t(
    m.breakdown.level === 'center' ? 'sheet_centers' : what === 'rank' ? 'sheet_province_ranks' : 'sheet_provinces',
    L,
  );
  return `${base}-${dimension}`.slice(0, 31);
}

function breakdown(wb: ExcelJS.Workbook, m: ReportModel, what: 'value' | 'rank'): void {
  for (const group of byDimension(m)) breakdownSheet(wb, m, what, group);
}

function breakdownSheet(
  wb: ExcelJS.Workbook,
  m: ReportModel,
  what: 'value' | 'rank',
  group: { dimension: string; name: string; columns: number[] },
): void {
  const L = m.lang;
  const b = m.breakdown;
  const byId = new Map(m.summary.map((s) => [s.indicator, s]));
  const ws = sheet(wb, breakdownSheetName(m, what, group.dimension), { row: 1, col: 2 });
  const first =
    b.level === 'center'
      ? [t('center_id', L), t('center_name', L), t('time_coverage', L)]
      : [t('province', L), t('name', L), t('coverage_centers', L)];
  const heads = group.columns.map((i) => {
    const s = byId.get(b.indicators[i]!)!;
    return `${s.code} ${s.name}${s.unit === 'count' ? '' : ` (${s.unit})`}`;
  });
  const h = header(ws, [...first, ...heads]);
  h.height = 60;
  widths(ws, [b.level === 'center' ? 12 : 7, b.level === 'center' ? 22 : 12, 9, ...heads.map(() => 11)]);
  for (const row of b.rows) {
    const cells = group.columns.map((i) => row.cells[i]!);
    const r = ws.addRow([row.code, row.name, row.coverage, ...cells.map((c) => (what === 'rank' ? c.rank : c.value))]);
    if (row.coverage !== null) r.getCell(3).numFmt = SHARE;
    cells.forEach((c, k) => {
      const cell = r.getCell(4 + k);
      if (what === 'rank') {
        if (c.rank !== null) cell.numFmt = '0';
        return;
      }
      if (c.value !== null) cell.numFmt = numberFormat(byId.get(b.indicators[group.columns[k]!]!)!.unit);
      mark(cell, c.target_status);
      if (c.value === null && c.reason) cell.note = reasonText(c.reason, L);
    });
  }
  const legend = ws.addRow([]);
  legend.getCell(1).value = `${group.dimension} ${group.name} · ${t('legend_missed', L)}`;
  legend.getCell(1).font = { italic: true, name: FONT_NAME };
  printSetup(ws, m, { orientation: 'landscape', titleRows: '1:1' });
  setPrintArea(ws, 3 + heads.length);
}

/** The center report's changes since the previous period. */
function changes(wb: ExcelJS.Workbook, m: ReportModel): void {
  const L = m.lang;
  const ws = sheet(wb, t('sheet_changes', L), { row: 1, col: 2 });
  const cols: Column<Change>[] = [
    { label: t('code', L), width: 6, get: (c) => c.code },
    { label: t('indicator', L), width: 24, get: (c) => c.name },
    { label: t('unit', L), width: 10, get: (c) => c.unit },
    { label: t('previous_value', L), width: 12, get: (c) => c.previous, fmt: (c) => numberFormat(c.unit) },
    { label: t('value', L), width: 12, get: (c) => c.value, fmt: (c) => numberFormat(c.unit), status: true },
    { label: t('change', L), width: 12, get: (c) => c.change, fmt: (c) => numberFormat(c.unit) },
    { label: t('change_pct', L), width: 10, get: (c) => c.change_pct, fmt: () => PCT_CHANGE },
    { label: t('previous_status', L), width: 10, get: (c) => word(STATUS, c.previous_status, L) },
    { label: t('target_status', L), width: 10, get: (c) => word(STATUS, c.status, L), status: true },
    { label: t('why', L), width: 22, get: (c) => changeText(c, L) },
  ];
  table(
    ws,
    cols,
    m.changes.map((c) => ({ ...c, target_status: c.status })),
  );
  if (m.changes.length === 0) ws.addRow([t('changes_none', L)]);
  printSetup(ws, m, { orientation: 'landscape', titleRows: '1:1' });
  setPrintArea(ws, cols.length);
}

function quality(wb: ExcelJS.Workbook, m: ReportModel): void {
  const L = m.lang;
  const ws = sheet(wb, t('sheet_quality', L));
  widths(ws, [12, 24, 8, 30, 10, 12, 20, 40]);
  const status = ws.addRow([t('data_status', L), dataStatus(m)]);
  status.getCell(1).font = { bold: true, name: FONT_NAME };
  if (!m.coverage.has_data) {
    status.getCell(2).fill = FILL_MISSED;
    status.getCell(2).font = { ...FONT_MISSED, bold: true };
  }
  const counts = ws.addRow([
    t('centers_expected', L),
    m.coverage.centers_expected,
    t('centers_reported', L),
    m.coverage.centers_reported,
  ]);
  counts.getCell(1).font = { bold: true, name: FONT_NAME };
  counts.getCell(3).font = { bold: true, name: FONT_NAME };
  ws.addRow([]);
  const title = ws.addRow([t('quality_centers', L)]);
  title.font = { bold: true, size: 12, name: FONT_NAME };
  header(ws, [
    t('center_id', L),
    t('center_name', L),
    t('province', L),
    t('issues', L),
    t('time_coverage', L),
    t('downtime_hours', L),
    t('last_data', L),
    t('declarations_missing', L),
  ]);
  const headRow = ws.rowCount;
  if (m.quality.centers.length === 0) ws.addRow([m.coverage.has_data ? t('quality_ok', L) : t('no_data', L)]);
  const sep = L === 'zh' ? '、' : ', ';
  for (const c of m.quality.centers) {
    const r = ws.addRow([
      c.center,
      c.name,
      c.province,
      c.issues.map((i) => word(ISSUES, i, L)).join(sep),
      c.time_coverage,
      c.downtime_hours,
      c.last_data ? localTime(Date.parse(c.last_data), m.period.tz) : '',
      c.declarations_missing.join(sep),
    ]);
    if (c.time_coverage !== null) r.getCell(5).numFmt = SHARE;
    if (c.downtime_hours !== null) r.getCell(6).numFmt = '#,##0.00';
    r.alignment = { vertical: 'middle', wrapText: true };
  }
  ws.views = [{ state: 'frozen', ySplit: headRow, xSplit: 0 }];
  printSetup(ws, m, { orientation: 'landscape', titleRows: `${headRow}:${headRow}` });
  setPrintArea(ws, 8);
}

/** The national report's data quality by province. */
function provinceQuality(wb: ExcelJS.Workbook, m: ReportModel): void {
  const L = m.lang;
  const ws = sheet(wb, t('quality_provinces', L), { row: 1, col: 2 });
  widths(ws, [8, 18, 12, 12, 12, 12, 12, 12]);
  header(ws, [
    t('province', L),
    t('name', L),
    t('centers_expected', L),
    t('centers_reported', L),
    t('not_reported_count', L),
    t('late_count', L),
    t('downtime_count', L),
    t('declaration_missing_count', L),
  ]);
  for (const p of m.quality.provinces)
    ws.addRow([
      p.province,
      p.name,
      p.centers_expected,
      p.centers_reported,
      p.not_reported,
      p.late,
      p.downtime,
      p.declaration_missing,
    ]);
  printSetup(ws, m, { orientation: 'portrait', titleRows: '1:1' });
  setPrintArea(ws, 8);
}

function definitions(wb: ExcelJS.Workbook, m: ReportModel): void {
  const L = m.lang;
  const ws = sheet(wb, t('sheet_definitions', L), { row: 1, col: 2 });
  const cols: Array<[string, number, keyof ReportModel['definitions'][number]]> = [
    [t('code', L), 6, 'code'],
    [t('indicator_id', L), 14, 'indicator'],
    [t('indicator', L), 16, 'name'],
    [t('dimension', L), 11, 'dimension'],
    [t('unit', L), 9, 'unit'],
    [t('direction', L), 9, 'direction'],
    [t('levels', L), 10, 'levels'],
    [t('description', L), 38, 'description'],
    [t('formula', L), 38, 'formula'],
    [t('data_sources', L), 26, 'data_sources'],
    [t('target', L), 18, 'target'],
    [t('target_source', L), 28, 'target_source'],
  ];
  header(
    ws,
    cols.map((c) => c[0]),
  );
  widths(
    ws,
    cols.map((c) => c[1]),
  );
  for (const d of m.definitions) {
    const r = ws.addRow(cols.map((c) => d[c[2]]));
    r.alignment = { vertical: 'top', wrapText: true };
  }
  printSetup(ws, m, { orientation: 'landscape', titleRows: '1:1' });
  setPrintArea(ws, cols.length);
}
