/**
 * @module A report's charts, drawn with Apache ECharts from the model: ranks on the headline indicators
 * (bars), trends beside the nation (lines), the spread of the centers' PUE (histogram) and, in the
 * national report, every province side by side (bars). SVG for the PDF (ECharts' server-side renderer),
 * PNG for the xlsx (the same options drawn on a skia canvas, @napi-rs/canvas).
 */
import * as echarts from 'echarts';
import type { Lang } from '../catalog/docs.ts';
import type { ReportModel, SummaryRow, TargetState } from './types.ts';
import { t, type LabelKey } from './text.ts';

/** One chart: its options and size in CSS pixels. */
export interface ChartDef {
  id: string;
  title: string;
  width: number;
  height: number;
  option: echarts.EChartsOption;
}

export const CHART_FONT = 'Noto Sans CJK SC';
const FONT_STACK = `"${CHART_FONT}", "Noto Sans CJK JP", "Noto Sans", sans-serif`;
const COLOR: Record<TargetState, string> = {
  met: '#2e7d32',
  missed: '#c62828',
  no_target: '#5470c6',
  no_value: '#9e9e9e',
};
const NATION_COLOR = '#9e9e9e';

function base(title: string): echarts.EChartsOption {
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_STACK, fontSize: 12 },
    title: { text: title, left: 'center', top: 4, textStyle: { fontSize: 14, fontWeight: 'bold' } },
  };
}

function unitSuffix(unit: string, lang: Lang): string {
  if (unit === 'count' || unit === 'ratio') return '';
  return lang === 'zh' ? `(${unit})` : ` (${unit})`;
}

/** The headline indicators' ranks as bars: longer is better (ranked above more of the others). */
function ranksChart(m: ReportModel, rows: SummaryRow[]): ChartDef {
  const L = m.lang;
  const key: LabelKey = m.level === 'center' ? 'chart_ranks_center' : 'chart_ranks';
  const title = t(key, L);
  const ranked = rows.filter((r) => r.rank !== null && r.rank_of !== null);
  const cats = ranked.map((r) => r.name).reverse();
  const data = ranked
    .map((r) => ({
      value: r.rank_of! - r.rank! + 1,
      itemStyle: { color: COLOR[r.target_status] },
      label: { formatter: t('rank_of_n', L, { rank: r.rank!, of: r.rank_of! }) },
    }))
    .reverse();
  const max = Math.max(1, ...ranked.map((r) => r.rank_of!));
  return {
    id: 'ranks',
    title,
    width: 780,
    height: Math.max(150, 60 + 22 * Math.max(1, ranked.length)),
    option: {
      ...base(title),
      grid: { left: 150, right: 90, top: 40, bottom: 24 },
      xAxis: {
        type: 'value',
        max,
        minInterval: 1,
        name: t('chart_ranked_below', L),
        nameLocation: 'middle',
        nameGap: 22,
      },
      yAxis: { type: 'category', data: cats, axisLabel: { width: 140, overflow: 'truncate' } },
      series: [{ type: 'bar', data, barMaxWidth: 18, label: { show: true, position: 'right' } }],
    },
  };
}

/** One indicator's trend: the scope beside the nation. */
function trendChart(m: ReportModel, i: number): ChartDef {
  const L = m.lang;
  const tr = m.charts.trends[i]!;
  const title = `${tr.name}${unitSuffix(tr.unit, L)}`;
  const series: echarts.SeriesOption[] = [
    {
      type: 'line',
      name: m.scope.name,
      data: tr.values,
      connectNulls: false,
      symbolSize: 5,
      itemStyle: { color: '#1565c0' },
      lineStyle: { width: 2 },
    },
  ];
  if (tr.nation)
    series.push({
      type: 'line',
      name: t('nation_line', L),
      data: tr.nation,
      connectNulls: false,
      symbolSize: 4,
      itemStyle: { color: NATION_COLOR },
      lineStyle: { width: 1.5, type: 'dashed' },
    });
  return {
    id: `trend-${tr.indicator}`,
    title,
    width: 380,
    height: 200,
    option: {
      ...base(title),
      legend: { bottom: 0, itemHeight: 8, textStyle: { fontSize: 11 } },
      grid: { left: 56, right: 16, top: 36, bottom: 52 },
      xAxis: { type: 'category', data: tr.periods, axisLabel: { fontSize: 10, rotate: 30 } },
      yAxis: { type: 'value', scale: true, axisLabel: { fontSize: 10 } },
      series,
    },
  };
}

/** Bins for a histogram: about ten equal bins over the values' range, edges on a round step. */
export function bins(values: number[]): Array<{ from: number; to: number; count: number }> {
  if (values.length === 0) return [];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const raw = (hi - lo) / 10 || Math.max(Math.abs(lo) / 20, 0.01);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw)!;
  const start = Math.floor(lo / step) * step;
  const n = Math.max(1, Math.floor((hi - start) / step) + 1);
  const out = Array.from({ length: n }, (_, k) => ({ from: start + k * step, to: start + (k + 1) * step, count: 0 }));
  for (const v of values) out[Math.min(n - 1, Math.floor((v - start) / step))]!.count++;
  return out;
}

function decimals(step: number): number {
  return Math.max(0, Math.min(4, -Math.floor(Math.log10(step) + 1e-9)));
}

/** How the centers spread over one indicator; the center's own bin stands out in a center report. */
function distributionChart(m: ReportModel): ChartDef | undefined {
  const d = m.charts.distribution;
  if (!d || d.values.length === 0) return undefined;
  const L = m.lang;
  const row = m.summary.find((r) => r.indicator === d.indicator);
  const name = row?.name ?? d.indicator;
  const title = t(m.level === 'nation' ? 'chart_distribution_nation' : 'chart_distribution', L, { indicator: name });
  const b = bins(d.values);
  const dp = decimals(b[0]!.to - b[0]!.from);
  const own = d.mark;
  return {
    id: 'distribution',
    title,
    width: 780,
    height: 200,
    option: {
      ...base(title),
      grid: { left: 56, right: 24, top: 40, bottom: 40 },
      xAxis: {
        type: 'category',
        data: b.map((x) => `${x.from.toFixed(dp)}–${x.to.toFixed(dp)}`),
        axisLabel: { fontSize: 10 },
        name: row?.unit && row.unit !== 'ratio' ? row.unit : '',
      },
      yAxis: { type: 'value', minInterval: 1, name: t('chart_centers', L) },
      series: [
        {
          type: 'bar',
          barCategoryGap: '10%',
          label: { show: true, position: 'top' },
          data: b.map((x) => ({
            value: x.count,
            itemStyle: { color: own !== null && own >= x.from && own < x.to ? '#c62828' : '#5470c6' },
          })),
        },
      ],
    },
  };
}

/** Every province side by side on one indicator, best first (national report). */
function provincesChart(m: ReportModel, indicator: string): ChartDef | undefined {
  const col = m.breakdown.indicators.indexOf(indicator);
  const row = m.summary.find((r) => r.indicator === indicator);
  if (col < 0 || !row) return undefined;
  const L = m.lang;
  const sign = row.direction === 'lower' ? 1 : -1;
  const rows = m.breakdown.rows
    .map((r) => ({ name: r.name, cell: r.cells[col]! }))
    .filter((r) => r.cell.value !== null)
    .sort((a, b) => sign * (a.cell.value! - b.cell.value!));
  const title = `${t('chart_provinces', L, { indicator: row.name })}${unitSuffix(row.unit, L)}`;
  return {
    id: `provinces-${indicator}`,
    title,
    width: 780,
    height: 260,
    option: {
      ...base(title),
      grid: { left: 56, right: 16, top: 40, bottom: 64 },
      xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { fontSize: 10, rotate: 60, interval: 0 } },
      yAxis: { type: 'value', scale: row.unit === 'ratio', axisLabel: { fontSize: 10 } },
      series: [
        {
          type: 'bar',
          data: rows.map((r) => ({ value: r.cell.value, itemStyle: { color: COLOR[r.cell.target_status] } })),
        },
      ],
    },
  };
}

/** Every chart of a report, in the order they are printed. */
export function reportCharts(m: ReportModel): ChartDef[] {
  const out: ChartDef[] = [];
  const headline = m.charts.headline
    .map((id) => m.summary.find((r) => r.indicator === id))
    .filter((r): r is SummaryRow => r !== undefined && r.rank !== null);
  if (headline.length > 0) out.push(ranksChart(m, headline));
  m.charts.trends.forEach((_, i) => out.push(trendChart(m, i)));
  const dist = distributionChart(m);
  if (dist) out.push(dist);
  for (const id of m.charts.provinces) {
    const c = provincesChart(m, id);
    if (c) out.push(c);
  }
  return out;
}

/** A chart as SVG text (ECharts' server-side renderer: no DOM, no canvas). */
export function chartSvg(c: ChartDef): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: c.width, height: c.height });
  try {
    chart.setOption(c.option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
