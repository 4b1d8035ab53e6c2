/**
 * @module Declarations as tables (CSV or the first sheet of an .xlsx): one row per center and period, one
 * column per declared metric. Government reporting runs on spreadsheets, so headers may be metric ids or
 * their Chinese names, and a `period` column (2026-10, 2026-Q3, 2026) may replace start/end.
 *
 *   center,period,security_incidents,mlps_l3_valid
 *   gz-01,2026-Q3,0,是
 */
import ExcelJS from 'exceljs';
import type { Catalog } from '../catalog/types.ts';
import { parsePeriod } from '../model/periods.ts';
import { DECIMAL } from '../shared/strict.ts';

export interface TableRows {
  /** Records ready for validation (source: declaration). */
  records: unknown[];
  /** "row N" for each record, as the spreadsheet numbers rows (header = row 1). */
  labels: string[];
  /** Problems that concern the whole table (unknown headers, no center column). */
  problems: Array<{ path: string; message: string; value?: unknown }>;
  /** Problems found while reading a row (a malformed period), by record index. */
  rowProblems: Map<number, Array<{ path: string; message: string; value?: unknown }>>;
}

const TRUE = new Set(['true', 'yes', 'y', '1', '是', '有效', '√']);
const FALSE = new Set(['false', 'no', 'n', '0', '否', '无效', '×']);
const FIXED = new Map([
  ['center', 'center'],
  ['数据中心', 'center'],
  ['中心', 'center'],
  ['center_id', 'center'],
  ['period', 'period'],
  ['期间', 'period'],
  ['报告期', 'period'],
  ['start', 'start'],
  ['开始', 'start'],
  ['end', 'end'],
  ['结束', 'end'],
]);

/** Splits CSV text (RFC 4180: quotes, doubled quotes, CRLF; a leading BOM is dropped). */
export function parseCsv(text: string): string[][] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
}

/** Reads the first worksheet of an .xlsx into rows of cell values. */
export async function readXlsx(buffer: Buffer): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  if (!ws) return [];
  const rows: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const values: unknown[] = [];
    for (let c = 1; c <= row.cellCount; c++) values.push(cellValue(row.getCell(c).value));
    rows[n - 1] = values;
  });
  return Array.from(rows, (r) => r ?? []);
}

function cellValue(v: ExcelJS.CellValue): unknown {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('result' in v) return cellValue((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('richText' in v) return (v as ExcelJS.CellRichTextValue).richText.map((t) => t.text).join('');
    if ('text' in v) return String((v as { text: unknown }).text);
    if ('error' in v) return String((v as { error: unknown }).error);
  }
  return v;
}

/** Turns table rows (header first) into declaration records; `tz` names periods. */
export function tableToRecords(rows: unknown[][], catalog: Catalog, tz: string): TableRows {
  const problems: TableRows['problems'] = [];
  const records: unknown[] = [];
  const labels: string[] = [];
  const rowProblems: TableRows['rowProblems'] = new Map();
  const header = (rows[0] ?? []).map((h) => String(h ?? '').trim());
  const byZh = new Map(catalog.metrics.map((m) => [m.zh, m.id]));
  const columns = header.map((h, i) => {
    if (h === '') return undefined;
    const fixed = FIXED.get(h.toLowerCase()) ?? FIXED.get(h);
    if (fixed) return { field: fixed, metric: undefined };
    const id = catalog.metricById.has(h) ? h : byZh.get(h);
    if (!id) {
      problems.push({
        path: `/header/${i + 1}`,
        message: 'is not center, period, start, end or a raw metric id or name',
        value: h,
      });
      return undefined;
    }
    return { field: 'metric', metric: id };
  });
  if (!columns.some((c) => c?.field === 'center'))
    problems.push({ path: '/header', message: 'needs a center column', value: header });
  if (
    !columns.some((c) => c?.field === 'period') &&
    !(columns.some((c) => c?.field === 'start') && columns.some((c) => c?.field === 'end'))
  ) {
    problems.push({ path: '/header', message: 'needs a period column, or start and end columns', value: header });
  }
  if (problems.length > 0) return { records, labels, problems, rowProblems };
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    if (row.every((c) => String(c ?? '').trim() === '')) continue;
    const rec: Record<string, unknown> = { source: 'declaration', metrics: {} };
    const metrics = rec.metrics as Record<string, unknown>;
    columns.forEach((col, i) => {
      if (!col) return;
      const raw = row[i];
      const text = typeof raw === 'string' ? raw.trim() : raw;
      if (text === '' || text === undefined || text === null) return;
      if (col.field === 'metric') metrics[col.metric!] = toValue(text, catalog.metricById.get(col.metric!)!.unit);
      else if (col.field === 'period') {
        try {
          const w = parsePeriod(String(text), tz);
          rec.start = new Date(w.fromMs).toISOString();
          rec.end = new Date(w.toMs).toISOString();
        } catch {
          rowProblems.set(records.length, [
            { path: '/period', message: 'must be a period name like 2026-10, 2026-Q3 or 2026', value: text },
          ]);
        }
      } else rec[col.field] = String(text);
    });
    records.push(rec);
    labels.push(`row ${r + 1}`);
  }
  return { records, labels, problems, rowProblems };
}

function toValue(v: unknown, unit: string): unknown {
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  const s = String(v).trim();
  if (unit === 'bool') {
    if (TRUE.has(s.toLowerCase())) return true;
    if (FALSE.has(s.toLowerCase())) return false;
  }
  // Thousands separators are common in spreadsheets. Only decimal notation is a number (0x10, 0b11,
  // Infinity and 1_000 are not); anything else stays text and is reported naming the field.
  const plain = /^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$/.test(s) ? s.replace(/,/g, '') : s;
  const n = DECIMAL.test(plain) ? Number(plain) : NaN;
  return Number.isFinite(n) ? n : s;
}

/** JSON declarations may also name a period instead of start/end; returns the record or the problem. */
export function expandPeriod(
  raw: unknown,
  tz: string,
): { record: unknown; problem?: { path: string; message: string; value?: unknown } } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { record: raw };
  const r = raw as Record<string, unknown>;
  if (r.period === undefined) return { record: raw };
  const { period, ...rest } = r;
  if (r.start !== undefined || r.end !== undefined)
    return {
      record: raw,
      problem: { path: '/period', message: 'must not be given together with start/end', value: period },
    };
  try {
    const w = parsePeriod(String(period), tz);
    return { record: { ...rest, start: new Date(w.fromMs).toISOString(), end: new Date(w.toMs).toISOString() } };
  } catch {
    return {
      record: raw,
      problem: { path: '/period', message: 'must be a period name like 2026-10, 2026-Q3 or 2026', value: period },
    };
  }
}
