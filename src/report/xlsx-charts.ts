/**
 * @module The charts sheet: every chart of the report as a PNG, laid out for A4 portrait (wide charts
 * alone on a row, small ones two by two) with page breaks so that no chart is cut between pages.
 */
import type ExcelJS from 'exceljs';
import type { ReportModel } from './types.ts';
import { reportCharts, type ChartDef } from './charts.ts';
import { chartPng } from './chart-png.ts';
import { t } from './text.ts';
import { printSetup, setPrintArea } from './xlsx-print.ts';
import { sheet, widths } from './xlsx-style.ts';

/** Row height in points and pixels (1 pt = 4/3 px); every row of the sheet has it. */
const ROW_PT = 15;
const ROW_PX = 20;
/** Eight columns of 13 characters: about 760 px, A4 portrait's printable width. */
const COLUMNS = 8;
const COLUMN_CHARS = 13;
/** Rows that fit on one A4 portrait page at full scale (about 950 px of printable height). */
const ROWS_PER_PAGE = 46;

interface Placed {
  chart: ChartDef;
  row: number;
  col: number;
}

/** Lays charts out: small ones (under half the width) two to a row, a page break before a row that would not fit. */
export function layout(charts: ChartDef[]): { placed: Placed[]; breaks: number[]; rows: number } {
  const placed: Placed[] = [];
  const breaks: number[] = [];
  let row = 0;
  let pageStart = 0;
  for (let i = 0; i < charts.length;) {
    const pair = charts[i]!.width <= 400 && (charts[i + 1]?.width ?? Infinity) <= 400;
    const items = pair ? [charts[i]!, charts[i + 1]!] : [charts[i]!];
    const height = Math.ceil(Math.max(...items.map((c) => c.height)) / ROW_PX) + 1;
    if (row > pageStart && row + height - pageStart > ROWS_PER_PAGE) {
      breaks.push(row);
      pageStart = row;
    }
    items.forEach((chart, k) => placed.push({ chart, row, col: k * (COLUMNS / 2) }));
    row += height;
    i += items.length;
  }
  return { placed, breaks, rows: row };
}

/** Adds the charts sheet (nothing when the report has no chart). */
export async function chartsSheet(wb: ExcelJS.Workbook, m: ReportModel): Promise<void> {
  const charts = reportCharts(m);
  if (charts.length === 0) return;
  const ws = sheet(wb, t('sheet_charts', m.lang));
  widths(
    ws,
    Array.from({ length: COLUMNS }, () => COLUMN_CHARS),
  );
  const { placed, breaks, rows } = layout(charts);
  for (let r = 1; r <= rows; r++) ws.getRow(r).height = ROW_PT;
  const pngs = await Promise.all(placed.map((p) => chartPng(p.chart)));
  placed.forEach((p, i) => {
    const image = wb.addImage({ buffer: pngs[i]! as unknown as ExcelJS.Buffer, extension: 'png' });
    ws.addImage(image, { tl: { col: p.col, row: p.row }, ext: { width: p.chart.width, height: p.chart.height } });
  });
  for (const b of breaks) ws.getRow(b).addPageBreak();
  printSetup(ws, m, { orientation: 'portrait' });
  setPrintArea(ws, COLUMNS, rows);
}
