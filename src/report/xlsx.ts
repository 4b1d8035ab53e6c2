/**
 * @module The Excel rendering of a report (exceljs): cover, summary, breakdown, data quality and definitions.
 *
 * Numbers are written as numbers with number formats (an auditor can sum a column), empty values stay
 * empty with their reason in a note column, headers are frozen and columns sized. The zip's entry times
 * are set to the generation time, so rendering the same model twice gives the same bytes.
 */
import ExcelJS from 'exceljs';
import type { Lang } from '../catalog/docs.ts';
import type { Catalog } from '../catalog/types.ts';
import type { Comparison, ReportModel, SummaryRow, TargetState } from './model.ts';
import { localTime } from './model.ts';
import { zonedParts } from '../engine/periods.ts';
import { ISSUES, REASONS, STATUS, t, word } from './text.ts';

type Cellish = string | number | null;

const FILL_MISSED: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } };
const FONT_MISSED: Partial<ExcelJS.Font> = { color: { argb: 'FF9C0006' } };
const FILL_MET: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC6EFCE' } };
const FONT_MET: Partial<ExcelJS.Font> = { color: { argb: 'FF006100' } };
const FILL_HEADER: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const FONT_NAME = 'Microsoft YaHei';

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

/** Renders the model as an xlsx file. */
export async function renderXlsx(model: ReportModel, catalog?: Catalog): Promise<Buffer> {
  const wb = workbook(model, catalog);
  const buf = Buffer.from(await wb.xlsx.writeBuffer());
  return fixZipTimes(buf, Date.parse(model.generated_at), model.period.tz);
}

/** Builds the exceljs workbook (exposed for tests that inspect styles). */
export function workbook(model: ReportModel, _catalog?: Catalog): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  const when = new Date(model.generated_at);
  wb.creator = 'dims';
  wb.lastModifiedBy = 'dims';
  wb.created = when;
  wb.modified = when;
  wb.title =
    model.level === 'nation'
      ? t('title_nation', model.lang)
      : t('title_province', model.lang, { scope: model.scope.name });
  cover(wb, model);
  summary(wb, model);
  breakdown(wb, model, 'value');
  if (model.level === 'nation') breakdown(wb, model, 'rank');
  quality(wb, model);
  definitions(wb, model);
  return wb;
}

function sheet(wb: ExcelJS.Workbook, name: string, freeze?: { row: number; col?: number }): ExcelJS.Worksheet {
  return wb.addWorksheet(name, {
    views: freeze ? [{ state: 'frozen', ySplit: freeze.row, xSplit: freeze.col ?? 0 }] : [],
    properties: { defaultRowHeight: 18 },
  });
}

function header(ws: ExcelJS.Worksheet, labels: string[]): ExcelJS.Row {
  const row = ws.addRow(labels);
  row.font = { bold: true, name: FONT_NAME };
  row.alignment = { vertical: 'middle', wrapText: true };
  row.eachCell((c) => {
    c.fill = FILL_HEADER;
    c.border = { bottom: { style: 'thin' } };
  });
  return row;
}

function widths(ws: ExcelJS.Worksheet, w: number[]): void {
  w.forEach((width, i) => {
    ws.getColumn(i + 1).width = width;
  });
}

function mark(cell: ExcelJS.Cell, status: TargetState): void {
  if (status === 'missed') {
    cell.fill = FILL_MISSED;
    cell.font = FONT_MISSED;
  } else if (status === 'met') {
    cell.fill = FILL_MET;
    cell.font = FONT_MET;
  }
}

function reasonText(reason: string | null, lang: Lang): string {
  return reason ? word(REASONS, reason, lang) : '';
}

function cover(wb: ExcelJS.Workbook, m: ReportModel): void {
  const L = m.lang;
  const ws = sheet(wb, t('sheet_cover', L));
  widths(ws, [24, 70]);
  const title = ws.addRow([
    m.level === 'nation' ? t('title_nation', L) : t('title_province', L, { scope: m.scope.name }),
  ]);
  title.font = { bold: true, size: 16, name: FONT_NAME };
  ws.mergeCells(1, 1, 1, 2);
  ws.addRow([]);
  const tz = m.period.tz;
  const rows: Array<[string, Cellish, string?]> = [
    [t('scope', L), `${m.scope.name} (${m.scope.code})`],
    [t('period', L), m.period.name],
    [t('window', L), `${localTime(Date.parse(m.period.from), tz)} – ${localTime(Date.parse(m.period.to), tz)}`],
    [t('time_zone', L), tz],
    [t('generated_at', L), `${localTime(Date.parse(m.generated_at), tz)} (${m.generated_at})`],
    [t('catalog_version', L), m.catalog_version],
    [t('centers_expected', L), m.coverage.centers_expected, '#,##0'],
    [t('centers_reported', L), m.coverage.centers_reported, '#,##0'],
    [t('coverage_centers', L), m.coverage.centers, SHARE],
    [t('coverage_energy', L), m.coverage.it_energy, SHARE],
    [t('data_status', L), dataStatus(m)],
    [
      t('suppression', L),
      m.suppression.enabled
        ? t('suppression_on', L, { n: m.suppression.min_centers, k: m.suppression.hidden })
        : t('suppression_off', L),
    ],
  ];
  for (const [label, value, fmt] of rows) {
    const r = ws.addRow([label, value]);
    r.getCell(1).font = { bold: true, name: FONT_NAME };
    r.getCell(2).alignment = { horizontal: 'left', wrapText: true };
    if (fmt) r.getCell(2).numFmt = fmt;
  }
  if (!m.coverage.has_data) {
    const r = ws.getRow(ws.rowCount - 1);
    r.getCell(2).fill = FILL_MISSED;
    r.getCell(2).font = { ...FONT_MISSED, bold: true };
  }
}

/** The data status sentence of the cover and the data-quality sheet. */
export function dataStatus(m: ReportModel): string {
  const L = m.lang;
  const parts = [m.coverage.has_data ? t('has_data', L) : t('no_data', L)];
  if (!m.coverage.computed) parts.push(word(REASONS, 'not_computed', L));
  if (!m.period.closed) parts.push(t('not_closed', L));
  return parts.join(L === 'zh' ? ';' : '; ');
}

function summaryNote(r: SummaryRow, L: Lang): string {
  return reasonText(r.value === null ? r.reason : null, L);
}

function summary(wb: ExcelJS.Workbook, m: ReportModel): void {
  const L = m.lang;
  const nation = m.level === 'nation';
  const ws = sheet(wb, t('sheet_summary', L), { row: 1, col: 3 });
  const cols: Array<{
    label: string;
    width: number;
    get: (r: SummaryRow) => Cellish;
    fmt?: (r: SummaryRow) => string;
    status?: boolean;
  }> = [
    { label: t('dimension', L), width: 16, get: (r) => `${r.dimension} ${r.dimension_name}` },
    { label: t('code', L), width: 7, get: (r) => r.code },
    { label: t('indicator', L), width: 30, get: (r) => r.name },
    { label: t('unit', L), width: 14, get: (r) => r.unit },
    { label: t('direction', L), width: 14, get: (r) => wordDirection(r, L) },
    { label: t('value', L), width: 16, get: (r) => r.value, fmt: (r) => numberFormat(r.unit), status: true },
    { label: t('target', L), width: 20, get: (r) => r.target?.text ?? '' },
    { label: t('target_status', L), width: 10, get: (r) => word(STATUS, r.target_status, L), status: true },
    ...(nation
      ? []
      : [
          { label: t('rank', L), width: 10, get: (r: SummaryRow) => r.rank, fmt: () => '0' },
          { label: t('rank_of', L), width: 10, get: (r: SummaryRow) => r.rank_of, fmt: () => '0' },
        ]),
    ...compareCols(L, 'previous'),
    ...compareCols(L, 'year_ago'),
    { label: t('centers', L), width: 10, get: (r) => r.centers, fmt: () => '#,##0' },
    { label: t('coverage_centers', L), width: 12, get: (r) => r.coverage.centers, fmt: () => SHARE },
    { label: t('coverage_energy', L), width: 12, get: (r) => r.coverage.it_energy, fmt: () => SHARE },
    { label: t('note', L), width: 24, get: (r) => summaryNote(r, L) },
  ];
  header(
    ws,
    cols.map((c) => c.label),
  );
  widths(
    ws,
    cols.map((c) => c.width),
  );
  for (const r of m.summary) {
    const row = ws.addRow(cols.map((c) => c.get(r)));
    cols.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      if (c.fmt && cell.value !== null) cell.numFmt = c.fmt(r);
      if (c.status) mark(cell, r.target_status);
    });
  }
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
}

function wordDirection(r: SummaryRow, L: Lang): string {
  return {
    higher: { zh: '↑ 越高越好', en: '↑ higher' },
    lower: { zh: '↓ 越低越好', en: '↓ lower' },
    monitor: { zh: '→ 仅监测', en: '→ monitor' },
  }[r.direction][L];
}

function compareCols(L: Lang, which: 'previous' | 'year_ago') {
  const pick = (r: SummaryRow): Comparison => r[which];
  const labels =
    which === 'previous'
      ? (['previous_value', 'change', 'change_pct'] as const)
      : (['year_ago_value', 'yoy_change', 'yoy_change_pct'] as const);
  return [
    {
      label: t(labels[0], L),
      width: 14,
      get: (r: SummaryRow) => pick(r).value,
      fmt: (r: SummaryRow) => numberFormat(r.unit),
    },
    {
      label: t(labels[1], L),
      width: 14,
      get: (r: SummaryRow) => pick(r).change,
      fmt: (r: SummaryRow) => `+${numberFormat(r.unit)};-${numberFormat(r.unit)};${numberFormat(r.unit)}`,
    },
    { label: t(labels[2], L), width: 12, get: (r: SummaryRow) => pick(r).change_pct, fmt: () => PCT_CHANGE },
  ];
}

function breakdown(wb: ExcelJS.Workbook, m: ReportModel, what: 'value' | 'rank'): void {
  const L = m.lang;
  const b = m.breakdown;
  const byId = new Map(m.summary.map((s) => [s.indicator, s]));
  const name =
    b.level === 'center'
      ? t('sheet_centers', L)
      : what === 'rank'
        ? `${t('sheet_provinces', L)}-${t('rank', L)}`
        : t('sheet_provinces', L);
  const ws = sheet(wb, name.slice(0, 31), { row: 1, col: 2 });
  const first =
    b.level === 'center'
      ? [t('center_id', L), t('center_name', L), t('time_coverage', L)]
      : [t('province', L), t('name', L), t('coverage_centers', L)];
  const heads = b.indicators.map((id) => {
    const s = byId.get(id)!;
    return `${s.code} ${s.name}${s.unit === 'count' ? '' : ` (${s.unit})`}`;
  });
  const h = header(ws, [...first, ...heads]);
  h.height = 60;
  widths(ws, [b.level === 'center' ? 12 : 8, b.level === 'center' ? 24 : 12, 12, ...heads.map(() => 14)]);
  for (const row of b.rows) {
    const values: Cellish[] = [
      row.code,
      row.name,
      row.coverage,
      ...row.cells.map((c) => (what === 'rank' ? c.rank : c.value)),
    ];
    const r = ws.addRow(values);
    if (row.coverage !== null) r.getCell(3).numFmt = SHARE;
    row.cells.forEach((c, i) => {
      const cell = r.getCell(4 + i);
      if (what === 'rank') {
        if (c.rank !== null) cell.numFmt = '0';
        return;
      }
      if (c.value !== null) cell.numFmt = numberFormat(byId.get(b.indicators[i]!)!.unit);
      mark(cell, c.target_status);
      if (c.value === null && c.reason) cell.note = reasonText(c.reason, L);
    });
  }
  const legend = ws.addRow([]);
  legend.getCell(1).value = t('legend_missed', L);
  legend.getCell(1).font = { italic: true, name: FONT_NAME };
}

function quality(wb: ExcelJS.Workbook, m: ReportModel): void {
  const L = m.lang;
  const nation = m.level === 'nation';
  const ws = sheet(wb, t('sheet_quality', L));
  widths(ws, [12, 26, 10, 36, 12, 16, 22, 40]);
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
  let freezeAt = 0;
  if (nation) {
    const title = ws.addRow([t('quality_provinces', L)]);
    title.font = { bold: true, size: 12, name: FONT_NAME };
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
    freezeAt = ws.rowCount;
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
    ws.addRow([]);
  }
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
  if (!nation) freezeAt = ws.rowCount;
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
    r.getCell(4).alignment = { wrapText: true };
  }
  ws.views = [{ state: 'frozen', ySplit: freezeAt, xSplit: 0 }];
}

function definitions(wb: ExcelJS.Workbook, m: ReportModel): void {
  const L = m.lang;
  const ws = sheet(wb, t('sheet_definitions', L), { row: 1, col: 2 });
  const cols: Array<[string, number, keyof ReportModel['definitions'][number]]> = [
    [t('code', L), 7, 'code'],
    [t('indicator_id', L), 18, 'indicator'],
    [t('indicator', L), 28, 'name'],
    [t('dimension', L), 18, 'dimension'],
    [t('unit', L), 14, 'unit'],
    [t('direction', L), 14, 'direction'],
    [t('levels', L), 16, 'levels'],
    [t('description', L), 60, 'description'],
    [t('formula', L), 60, 'formula'],
    [t('data_sources', L), 40, 'data_sources'],
    [t('target', L), 36, 'target'],
    [t('target_source', L), 50, 'target_source'],
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
}

// --- deterministic zip ---------------------------------------------------------------------------

/**
 * Sets every zip entry's modification time to `ms` (as local time in `tz`, which is what DOS times
 * mean). exceljs stamps entries with the wall clock; without this two renderings differ in bytes.
 */
export function fixZipTimes(buf: Buffer, ms: number, tz: string): Buffer {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('xlsx: not a zip (no end of central directory)');
  const d = new Date(ms);
  const p = zonedParts(d.getTime(), tz);
  const time = (p.hour << 11) | (p.minute << 5) | Math.floor(p.second / 2);
  const date = ((Math.max(1980, p.year) - 1980) << 9) | (p.month << 5) | p.day;
  const entries = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('xlsx: broken central directory');
    buf.writeUInt16LE(time, at + 12);
    buf.writeUInt16LE(date, at + 14);
    const local = buf.readUInt32LE(at + 42);
    if (buf.readUInt32LE(local) === 0x04034b50) {
      buf.writeUInt16LE(time, local + 10);
      buf.writeUInt16LE(date, local + 12);
    }
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return buf;
}
