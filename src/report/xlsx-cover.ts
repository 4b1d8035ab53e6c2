/**
 * @module The cover sheet: a statistical form's header (表号, 制表机关, 批准机关, 批准文号, 有效期至 at the
 * top right; 填报单位 under the title; the signatures and 报出日期 at the foot), the title, and the report's
 * facts (scope, period, coverage, data status). Printed portrait on one A4 page.
 */
import type ExcelJS from 'exceljs';
import type { ReportModel } from './types.ts';
import type { LabelKey } from './text.ts';
import { t } from './text.ts';
import { localTime } from './local-time.ts';
import { reportTitle } from './title.ts';
import { dataStatus } from './status.ts';
import { printSetup, setPrintArea } from './xlsx-print.ts';
import { FILL_MISSED, FONT_MISSED, FONT_NAME, sheet, widths } from './xlsx-style.ts';

type Cellish = string | number | null;
const SHARE = '0.0%';
const LINE: Partial<ExcelJS.Borders> = { bottom: { style: 'thin' } };

function label(key: LabelKey, m: ReportModel): string {
  return `${t(key, m.lang)}${m.lang === 'zh' ? '：' : ':'}`;
}

/** A form field: bold label, then its value on a line to write on when it is blank. */
function field(row: ExcelJS.Row, col: number, text: string, value: string): void {
  row.getCell(col).value = text;
  row.getCell(col).font = { bold: true, name: FONT_NAME };
  row.getCell(col).alignment = { horizontal: 'right' };
  row.getCell(col + 1).value = value;
  row.getCell(col + 1).border = LINE;
  row.getCell(col + 1).alignment = { horizontal: 'left' };
}

/** The facts under the title, by level. */
function facts(m: ReportModel): Array<[string, Cellish, string?]> {
  const L = m.lang;
  const tz = m.period.tz;
  const out: Array<[string, Cellish, string?]> = [
    [t(m.level === 'center' ? 'center' : 'scope', L), `${m.scope.name} (${m.scope.code})`],
  ];
  if (m.province) out.push([t('province', L), `${m.province.name} (${m.province.code})`]);
  out.push(
    [t('period', L), m.period.name],
    [t('window', L), `${localTime(Date.parse(m.period.from), tz)} – ${localTime(Date.parse(m.period.to), tz)}`],
    [t('time_zone', L), tz],
    [t('generated_at', L), `${localTime(Date.parse(m.generated_at), tz)} (${m.generated_at})`],
    [t('catalog_version', L), m.catalog_version],
  );
  if (m.completeness) {
    const c = m.completeness;
    out.push(
      [t('reported', L), t(c.reported ? 'yes' : 'no', L)],
      [t('time_coverage', L), c.time_coverage, SHARE],
      [t('downtime_hours', L), c.downtime_hours, '#,##0.00'],
      [t('last_data', L), c.last_data ? localTime(Date.parse(c.last_data), tz) : ''],
    );
  } else
    out.push(
      [t('centers_expected', L), m.coverage.centers_expected, '#,##0'],
      [t('centers_reported', L), m.coverage.centers_reported, '#,##0'],
      [t('coverage_centers', L), m.coverage.centers, SHARE],
      [t('coverage_energy', L), m.coverage.it_energy, SHARE],
    );
  out.push([t('data_status', L), dataStatus(m)]);
  if (m.level === 'nation')
    out.push([
      t('suppression', L),
      m.suppression.enabled
        ? t('suppression_on', L, { n: m.suppression.min_centers, k: m.suppression.hidden })
        : t('suppression_off', L),
    ]);
  return out;
}

export function cover(wb: ExcelJS.Workbook, m: ReportModel): void {
  const ws = sheet(wb, t('sheet_cover', m.lang));
  widths(ws, [16, 34, 14, 26]);
  const f = m.form;
  const top: Array<[LabelKey, string]> = [
    ['form_table_no', f.table_no],
    ['form_authority', f.authority],
    ['form_approved_by', f.approved_by],
    ['form_approval_no', f.approval_no],
    ['form_valid_until', f.valid_until],
  ];
  for (const [key, value] of top) field(ws.addRow([]), 3, label(key, m), value);
  ws.addRow([]);
  const title = ws.addRow([reportTitle(m)]);
  title.font = { bold: true, size: 18, name: FONT_NAME };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  title.height = 36;
  ws.mergeCells(title.number, 1, title.number, 4);
  ws.addRow([]);
  const unit = ws.addRow([]);
  field(unit, 1, label('form_unit', m), f.unit);
  field(unit, 3, label('period', m), m.period.name);
  ws.addRow([]);
  let statusRow = 0;
  for (const [text, value, fmt] of facts(m)) {
    const r = ws.addRow([text, value]);
    ws.mergeCells(r.number, 2, r.number, 4);
    r.getCell(1).font = { bold: true, name: FONT_NAME };
    r.getCell(2).alignment = { horizontal: 'left', wrapText: true };
    if (fmt && value !== null) r.getCell(2).numFmt = fmt;
    if (text === t('data_status', m.lang)) statusRow = r.number;
  }
  if (!m.coverage.has_data && statusRow) {
    const c = ws.getRow(statusRow).getCell(2);
    c.fill = FILL_MISSED;
    c.font = { ...FONT_MISSED, bold: true };
  }
  ws.addRow([]);
  ws.addRow([]);
  const sign1 = ws.addRow([]);
  field(sign1, 1, label('form_unit_head', m), f.unit_head);
  field(sign1, 3, label('form_stats_head', m), f.stats_head);
  const sign2 = ws.addRow([]);
  field(sign2, 1, label('form_preparer', m), f.preparer);
  field(sign2, 3, label('form_submitted', m), f.submitted);
  printSetup(ws, m, { orientation: 'portrait', onePage: true });
  setPrintArea(ws, 4);
}
