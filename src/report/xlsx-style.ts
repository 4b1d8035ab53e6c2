/** @module The xlsx renderers' shared look: fills, fonts, header rows, column widths, target marks. */
import type ExcelJS from 'exceljs';
import type { TargetState } from './types.ts';

export const FILL_MISSED: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } };
export const FONT_MISSED: Partial<ExcelJS.Font> = { color: { argb: 'FF9C0006' } };
export const FILL_MET: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC6EFCE' } };
export const FONT_MET: Partial<ExcelJS.Font> = { color: { argb: 'FF006100' } };
export const FILL_HEADER: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
export const FONT_NAME = 'Microsoft YaHei';

/** A new sheet with its header rows frozen. */
export function sheet(wb: ExcelJS.Workbook, name: string, freeze?: { row: number; col?: number }): ExcelJS.Worksheet {
  return wb.addWorksheet(name, {
    views: freeze ? [{ state: 'frozen', ySplit: freeze.row, xSplit: freeze.col ?? 0 }] : [],
    properties: { defaultRowHeight: 18 },
  });
}

export function header(ws: ExcelJS.Worksheet, labels: string[]): ExcelJS.Row {
  const row = ws.addRow(labels);
  row.font = { bold: true, name: FONT_NAME };
  row.alignment = { vertical: 'middle', wrapText: true };
  row.eachCell((c) => {
    c.fill = FILL_HEADER;
    c.border = { bottom: { style: 'thin' } };
  });
  return row;
}

export function widths(ws: ExcelJS.Worksheet, w: number[]): void {
  w.forEach((width, i) => {
    ws.getColumn(i + 1).width = width;
  });
}

/** Fills a value red when its target is missed, green when met. */
export function mark(cell: ExcelJS.Cell, status: TargetState): void {
  if (status === 'missed') {
    cell.fill = FILL_MISSED;
    cell.font = FONT_MISSED;
  } else if (status === 'met') {
    cell.fill = FILL_MET;
    cell.font = FONT_MET;
  }
}
