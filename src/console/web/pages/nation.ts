/// <reference lib="dom" />
/** @module The nation page: 60 indicators by dimension, the province map coloured by a chosen indicator, the ranking and coverage. */
import { get, type CoverageAnswer, type OverviewAnswer, type RankingAnswer, type ValuesAnswer } from '../api.ts';
import { h, link, section, statusBadge, table, valueCell } from '../dom.ts';
import { lang, t, tx } from '../i18n.ts';
import { shortName, tileMap } from '../charts.ts';
import { tileLayout } from '../scale.ts';
import { levelName, provinceName, statusOf, type AppState } from '../state.ts';
import { DIMENSIONS, indicatorSections, percent, stat } from './common.ts';

export async function renderNation(state: AppState, rerender: () => void): Promise<Node[]> {
  const [overview, coverage] = await Promise.all([
    get<OverviewAnswer>('/api/v1/overview', { kind: state.kind, period: state.period }),
    get<CoverageAnswer>('/api/v1/coverage', { kind: state.kind, period: state.period }),
  ]);
  const pick = (id: string) => {
    state.mapIndicator = id;
    sessionStorage.setItem('dims.mapIndicator', id);
    rerender();
  };
  const met = overview.nation.filter((v) => {
    const ind = state.indicatorById.get(v.indicator);
    return ind && statusOf(ind, 'nation', v.value) === 'met';
  }).length;
  const missed = overview.nation.filter((v) => {
    const ind = state.indicatorById.get(v.indicator);
    return ind && statusOf(ind, 'nation', v.value) === 'missed';
  }).length;
  const centers = state.hierarchy.provinces.reduce((n, p) => n + p.centers.length, 0);

  const head = h(
    'div',
    { class: 'page-head' },
    h('h1', {}, `${levelName(state, 'nation', true)} · ${state.period}`),
    h(
      'div',
      { class: 'stats' },
      stat(t('centersCount'), String(centers)),
      stat(t('provinces'), String(state.hierarchy.provinces.filter((p) => p.centers.length > 0).length)),
      stat(
        t('coverage'),
        coverage.nation
          ? `${coverage.nation.reported}/${coverage.nation.expected} · ${percent(coverage.nation.ratio)}`
          : '—',
        { 'data-stat': 'coverage' },
      ),
      stat(t('met'), String(met), { class: 'stat met' }),
      stat(t('missed'), String(missed), { class: 'stat missed' }),
    ),
  );

  const [mapCard, rankCard] = await mapAndRanking(state, pick);
  return [
    head,
    h('div', { class: 'two' }, mapCard, rankCard),
    indicatorSections(state, 'nation', overview.nation, pick),
    coverageCard(state, coverage),
  ];
}

/** Indicator picker, tile map and ranking for the picked indicator. */
async function mapAndRanking(state: AppState, pick: (id: string) => void): Promise<[HTMLElement, HTMLElement]> {
  const ind = state.indicatorById.get(state.mapIndicator) ?? state.catalog.indicators.find((i) => i.id === 'pue')!;
  const select = h(
    'select',
    {
      id: 'map-indicator',
      'aria-label': t('colorBy'),
      onchange: (e: Event) => pick((e.target as HTMLSelectElement).value),
    },
    DIMENSIONS.map((d) =>
      h(
        'optgroup',
        { label: `${d} ${t(`dim${d}`)}` },
        state.catalog.indicators
          .filter((i) => i.dimension === d && i.levels.includes('province'))
          .map((i) => h('option', { value: i.id, selected: i.id === ind.id }, `${i.code} ${tx(i.name)}`)),
      ),
    ),
  );
  // The values route (not the overview) carries each empty value's reason, which the map shows on hover.
  const [byProvince, r] = await Promise.all([
    get<ValuesAnswer>('/api/v1/values', {
      level: 'province',
      indicators: ind.id,
      kind: state.kind,
      period: state.period,
    }),
    get<RankingAnswer>('/api/v1/rankings', {
      indicator: ind.id,
      level: 'province',
      kind: state.kind,
      period: state.period,
    }),
  ]);
  const values = new Map<string, { value: number | null; reason?: string | null }>();
  for (const p of state.catalog.provinces) values.set(p.code, { value: null, reason: 'no_data' });
  for (const v of byProvince.values) values.set(v.code, { value: v.value, reason: v.reason });
  const names = new Map(state.catalog.provinces.map((p) => [p.code, lang() === 'zh' ? shortName(p.zh) : p.en]));
  const map = tileMap({
    tiles: tileLayout(state.catalog.provinces),
    names,
    values,
    direction: ind.direction,
    unit: ind.unit,
    href: (code) => `#/province/${code}`,
  });
  const mapCard = section(t('map'), h('label', { class: 'picker' }, `${t('colorBy')} `, select), map);

  const rows = r.ranking.map((x) => [
    x.rank === null ? '—' : String(x.rank),
    link(`#/province/${x.code}`, provinceName(state, x.code)),
    valueCell(x.value, r.unit, values.get(x.code)?.reason ?? 'no_data'),
    statusBadge(statusOf(ind, 'province', x.value)),
  ]);
  const rankCard = section(
    `${t('rankings')} · ${ind.code} ${tx(ind.name)}`,
    table([t('rank'), t('province'), t('value'), t('status')], rows, { class: 'ranking', id: 'ranking' }),
  );
  return [mapCard, rankCard];
}

function coverageCard(state: AppState, c: CoverageAnswer): HTMLElement {
  const rows = c.provinces.map((p) => [
    link(`#/province/${p.code}`, provinceName(state, p.code)),
    `${p.reported}/${p.expected}`,
    String(p.late),
    percent(p.ratio),
  ]);
  // Three short tables side by side: 31 provinces in one column would be a page of scrolling.
  const per = Math.ceil(rows.length / 3) || 1;
  const chunks = [0, 1, 2].map((i) => rows.slice(i * per, (i + 1) * per)).filter((x) => x.length > 0);
  return section(
    `${t('coverage')} · ${c.period ?? ''}`,
    h(
      'div',
      { class: 'coverage-grid' },
      chunks.map((r) =>
        table([t('province'), `${t('reported')}/${t('expected')}`, t('late'), t('ratio')], r, { class: 'coverage' }),
      ),
    ),
  );
}
