/**
 * @module How each sheet of a report prints: A4, the sheet's orientation, one page wide (as many pages
 * tall as it takes), the header row repeated on every page, a print area, and a page header and footer
 * with the title, the sheet, the period and "第 N 页 共 M 页". Also the deterministic zip times.
 */
import type ExcelJS from 'exceljs';
import { zonedParts } from '../model/periods.ts';
import type { ReportModel } from './types.ts';
import { reportTitle } from './title.ts';
import { t } from './text.ts';

/** Excel's paper size code for A4. */
const A4 = 9;

/** Header/footer text is a little language of its own: a literal ampersand is written twice. */
function hf(text: string): string {
  return text.replace(/&/g, '&&');
}

export interface PrintOptions {
  orientation: 'portrait' | 'landscape';
  /** Rows repeated at the top of every page, e.g. `1:1`. */
  titleRows?: string;
  /** Fit the whole sheet on one page (the cover). */
  onePage?: boolean;
}

/** Sets the page setup and header/footer; call `setPrintArea` once the sheet is filled. */
export function printSetup(ws: ExcelJS.Worksheet, m: ReportModel, o: PrintOptions): void {
  ws.pageSetup = {
    ...ws.pageSetup,
    paperSize: A4,
    orientation: o.orientation,
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: o.onePage ? 1 : 0,
    horizontalCentered: true,
    margins: { left: 0.4, right: 0.4, top: 0.7, bottom: 0.6, header: 0.3, footer: 0.3 },
    ...(o.titleRows ? { printTitlesRow: o.titleRows } : {}),
  };
  // The label is escaped before the page codes go in: &P and &N must stay codes.
  const footer = hf(t('page_footer', m.lang, { page: '\u0000', pages: '\u0001' }))
    .replace('\u0000', '&P')
    .replace('\u0001', '&N');
  ws.headerFooter = {
    ...ws.headerFooter,
    oddHeader: `&L&9${hf(reportTitle(m))}&C&9${hf(ws.name)} · ${hf(m.period.name)}&R&9${hf(m.scope.code)}`,
    oddFooter: `&C&9${footer}`,
  };
}

/** Excel's column letters for a 1-based index. */
export function columnLetter(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

/** The print area: every filled row over the first `columns` columns. */
export function setPrintArea(ws: ExcelJS.Worksheet, columns: number, rows = ws.rowCount): void {
  ws.pageSetup.printArea = `A1:${columnLetter(columns)}${Math.max(1, rows)}`;
}

/**
 * Sets every zip entry's modification time to `ms` (as local time in `tz`, which is what DOS times
 * mean). exceljs stamps entries with the wall clock; without this two renderings differ in bytes.
 */
export function fixZipTimes(buf: Buffer, ms: number, tz: string): Buffer {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('xlsx: not a zip (no end of central directory)');
  const p = zonedParts(ms, tz);
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
