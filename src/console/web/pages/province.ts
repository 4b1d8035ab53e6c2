/// <reference lib="dom" />
/** @module A province page: its 60 indicators, rank among provinces, trends, coverage, and its centers with key indicators (click to drill down). */
import { get, type CoverageAnswer, type PresentedValue, type RankingAnswer, type ValuesAnswer } from '../api.ts';
import { h, link, section, statusBadge, valueCell } from '../dom.ts';
import { t, tx } from '../i18n.ts';
import { provinceName, statusOf, type AppState, centerName } from '../state.ts';
import { breadcrumb, indicatorSections, percent, stat, trendCharts } from './common.ts';

/** Columns of the centers table: the indicators a provincial bureau watches first. */
const KEY_INDICATORS = ['pue', 'rack_occupancy', 'it_load_util', 'dom_accel_share', 'electricity_gwh', 'ref'];

export async function renderProvince(state: AppState, code: string): Promise<Node[]> {
  const prov = state.hierarchy.provinces.find((p) => p.code === code);
  const rankInd = state.indicatorById.get(state.mapIndicator) ?? state.indicatorById.get('pue')!;
  const [values, centers, coverage, ranking, trends] = await Promise.all([
    get<ValuesAnswer>('/api/v1/values', { level: 'province', code, kind: state.kind, period: state.period }),
    get<ValuesAnswer>('/api/v1/values', {
      level: 'center',
      province: code,
      kind: state.kind,
      period: state.period,
      indicators: KEY_INDICATORS.join(','),
    }),
    get<CoverageAnswer>('/api/v1/coverage', { province: code, kind: state.kind, period: state.period }),
    get<RankingAnswer>('/api/v1/rankings', {
      indicator: rankInd.id,
      level: 'province',
      province: code,
      kind: state.kind,
      period: state.period,
    }),
    trendCharts(state, 'province', code),
  ]);
  const own = ranking.ranking.find((r) => r.code === code);
  const cov = coverage.provinces.find((p) => p.code === code);
  const head = h(
    'div',
    { class: 'page-head' },
    breadcrumb(state, code),
    h('h1', {}, `${provinceName(state, code)} · ${state.period}`),
    h(
      'div',
      { class: 'stats' },
      stat(t('centersCount'), String(prov?.centers.length ?? 0)),
      stat(t('coverage'), cov ? `${cov.reported}/${cov.expected} · ${percent(cov.ratio)}` : '—', {
        'data-stat': 'coverage',
      }),
      stat(
        `${t('rankAmong')} · ${rankInd.code} ${tx(rankInd.name)}`,
        own?.rank ? `${own.rank} ${t('of')} ${ranking.count}` : '—',
        { 'data-stat': 'rank' },
      ),
    ),
  );
  return [head, trends, centersCard(state, code, centers.values), indicatorSections(state, 'province', values.values)];
}

function centersCard(state: AppState, province: string, values: PresentedValue[]): HTMLElement {
  const byCenter = new Map<string, Map<string, PresentedValue>>();
  for (const v of values) {
    let m = byCenter.get(v.code);
    if (!m) byCenter.set(v.code, (m = new Map()));
    m.set(v.indicator, v);
  }
  const list = state.hierarchy.provinces.find((p) => p.code === province)?.centers ?? [];
  const inds = KEY_INDICATORS.map((id) => state.indicatorById.get(id)!).filter(Boolean);
  const rows = list.map((c) =>
    h(
      'tr',
      { 'data-center': c.id },
      h('td', {}, link(`#/center/${encodeURIComponent(c.id)}`, centerName(c))),
      inds.map((ind) => {
        const v = byCenter.get(c.id)?.get(ind.id);
        const value = v?.value ?? null;
        return h(
          'td',
          { class: `num status-${statusOf(ind, 'center', value)}` },
          valueCell(value, ind.unit, v ? v.reason : 'no_data'),
          ' ',
          statusOf(ind, 'center', value) === 'missed' ? statusBadge('missed') : null,
        );
      }),
    ),
  );
  return section(
    `${t('centers')} (${list.length})`,
    h(
      'table',
      { class: 'centers' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, t('center')),
          inds.map((i) => h('th', { title: tx(i.name) }, `${i.code} ${tx(i.name)}`)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}
