/// <reference lib="dom" />
/** @module Building blocks the nation, province and center pages share: the 60 indicators by dimension, trend charts, breadcrumbs. */
import { get, type PresentedValue, type SeriesAnswer } from '../api.ts';
import { h, section, statusBadge, valueCell } from '../dom.ts';
import { t, tx, type Key } from '../i18n.ts';
import { lineChart } from '../charts.ts';
import { window as periodWindow } from '../periods.ts';
import {
  levelName,
  officialOf,
  provinceName,
  statusOf,
  targetLabel,
  type AppState,
  type ConsoleIndicator,
} from '../state.ts';

export const DIMENSIONS = ['A', 'B', 'C', 'D'] as const;

/**
 * The indicators of one level grouped by dimension: code, name, value with unit, official target, status.
 * `onPick` makes names clickable (the nation page colours its map by the picked indicator).
 */
export function indicatorSections(
  state: AppState,
  level: 'nation' | 'province' | 'center',
  values: PresentedValue[],
  onPick?: (id: string) => void,
): HTMLElement {
  const byId = new Map(values.map((v) => [v.indicator, v]));
  const grid = h('div', { class: 'dimensions' });
  for (const d of DIMENSIONS) {
    const inds = state.catalog.indicators.filter((i) => i.dimension === d && i.levels.includes(level));
    const rows = inds.map((ind) => indicatorRow(state, level, ind, byId.get(ind.id), onPick));
    grid.append(
      section(
        `${d} ${t(`dim${d}` as Key)}`,
        h(
          'table',
          { class: 'indicators', 'data-dimension': d },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [t('code'), t('indicator'), t('value'), t('target'), t('status')].map((x) => h('th', {}, x)),
            ),
          ),
          h('tbody', {}, rows),
        ),
      ),
    );
  }
  return grid;
}

function indicatorRow(
  state: AppState,
  level: 'nation' | 'province' | 'center',
  ind: ConsoleIndicator,
  v: PresentedValue | undefined,
  onPick?: (id: string) => void,
): HTMLElement {
  const value = v?.value ?? null;
  const status = statusOf(ind, level, value);
  const target = targetLabel(ind, level);
  const name = onPick
    ? h(
        'button',
        { class: 'linklike', type: 'button', title: tx(ind.description), onclick: () => onPick(ind.id) },
        tx(ind.name),
      )
    : h('span', { title: tx(ind.description) }, tx(ind.name));
  return h(
    'tr',
    { 'data-indicator': ind.id, class: state.mapIndicator === ind.id && onPick ? 'picked' : '' },
    h('td', { class: 'code' }, ind.code),
    h('td', {}, name),
    h('td', { class: 'num' }, valueCell(value, ind.unit, v ? v.reason : 'no_data')),
    h('td', { class: 'target', title: target.long }, target.short || '—'),
    h('td', {}, statusBadge(status)),
  );
}

/** The four trend charts of the issue: power (electricity), PUE, utilization, domestic share. */
export const TREND_INDICATORS: Array<{ id: string; key: Key }> = [
  { id: 'electricity_gwh', key: 'chartPower' },
  { id: 'pue', key: 'chartPue' },
  { id: 'it_load_util', key: 'chartUtil' },
  { id: 'dom_accel_share', key: 'chartDomestic' },
];

/** Daily series of the trend indicators over the chosen period, drawn side by side. */
export async function trendCharts(state: AppState, level: 'province' | 'center', code: string): Promise<HTMLElement> {
  const w = periodWindow(state.period);
  const answers = await Promise.all(
    TREND_INDICATORS.map((x) =>
      get<SeriesAnswer>('/api/v1/series', { indicator: x.id, level, code, kind: 'day', from: w.from, to: w.to }),
    ),
  );
  const charts = answers.map((a, i) => {
    const ind = state.indicatorById.get(TREND_INDICATORS[i]!.id)!;
    return h(
      'figure',
      { class: 'chart-box', 'data-indicator': ind.id },
      lineChart({
        title: t(TREND_INDICATORS[i]!.key),
        unit: a.unit,
        target: officialOf(ind, level),
        points: a.points.map((p) => ({ label: p.period.slice(5), full: p.period, value: p.value, reason: p.reason })),
      }),
    );
  });
  return section(t('trends'), h('div', { class: 'charts' }, charts));
}

export function breadcrumb(state: AppState, province?: string, center?: { id: string; name: string }): HTMLElement {
  const parts: Array<Node | string> = [];
  if (state.province === undefined) parts.push(h('a', { href: '#/nation' }, levelName(state, 'nation', true)));
  if (province) {
    if (parts.length) parts.push(' › ');
    parts.push(
      center
        ? h('a', { href: `#/province/${province}` }, provinceName(state, province))
        : provinceName(state, province),
    );
  }
  if (center) parts.push(' › ', center.name);
  return h('nav', { class: 'breadcrumb' }, parts);
}

export function stat(label: string, value: string | Node, attrs: Record<string, string> = {}): HTMLElement {
  return h(
    'div',
    { class: 'stat', ...attrs },
    h('div', { class: 'stat-value' }, value),
    h('div', { class: 'stat-label' }, label),
  );
}

export function percent(r: number | null | undefined): string {
  return r === null || r === undefined ? '—' : `${(r * 100).toFixed(r === 1 ? 0 : 1)}%`;
}
