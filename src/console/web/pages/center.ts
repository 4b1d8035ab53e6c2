/// <reference lib="dom" />
/** @module A center page: facts from the registry, last data received, trends and its indicators by dimension. */
import { get, type CoverageAnswer, type ValuesAnswer } from '../api.ts';
import { h, section } from '../dom.ts';
import { formatNumber, formatTime, lang, t, type Key } from '../i18n.ts';
import { centerName, type AppState } from '../state.ts';
import { breadcrumb, indicatorSections, stat, trendCharts } from './common.ts';

export async function renderCenter(state: AppState, id: string): Promise<Node[]> {
  const c = state.centerById.get(id);
  if (!c) {
    // Not in this token's hierarchy: ask the hub, whose answer (403 for another province, 404 unknown) the page shows.
    await get<ValuesAnswer>('/api/v1/values', {
      level: 'center',
      code: id,
      kind: state.kind,
      period: state.period,
      indicators: 'pue',
    });
    return [h('p', { class: 'error' }, `${t('notFound')}: ${id}`)];
  }
  const [values, coverage, trends] = await Promise.all([
    get<ValuesAnswer>('/api/v1/values', { level: 'center', code: id, kind: state.kind, period: state.period }),
    get<CoverageAnswer>('/api/v1/coverage', { province: c.province }),
    trendCharts(state, 'center', id),
  ]);
  const cov = coverage.centers.find((x) => x.center === id);
  const word = (k: string) => (`${k}Type` in TYPE_KEYS ? t(TYPE_KEYS[`${k}Type`]!) : k);
  const facts = section(
    t('facts'),
    h(
      'dl',
      { class: 'facts' },
      fact(t('operator'), (lang() === 'en' ? c.operator_en : undefined) ?? c.operator ?? '—'),
      fact(t('type'), word(c.type)),
      fact(t('size'), c.size_class in SIZE_KEYS ? t(SIZE_KEYS[c.size_class]!) : c.size_class),
      fact(t('racksInstalled'), formatNumber(c.racks_installed)),
      fact(t('itRated'), `${formatNumber(c.it_rated_kw / 1000)} MW`),
      fact(t('hubCluster'), c.hub_cluster ?? t('none')),
      fact(t('commissioned'), c.commission_date),
      fact(t('status'), c.status in STATUS_KEYS ? t(STATUS_KEYS[c.status]!) : c.status),
      // A simulated center says it is a scaled model of the center it stands for.
      ...(c.model_scale && c.model_scale > 1 ? [fact(t('modelScale'), `1 : ${formatNumber(c.model_scale)}`)] : []),
    ),
  );
  const head = h(
    'div',
    { class: 'page-head' },
    breadcrumb(state, c.province, { id, name: centerName(c) }),
    h('h1', {}, `${centerName(c)} · ${state.period}`),
    h(
      'div',
      { class: 'stats' },
      stat(t('lastRecord'), cov?.last_end ? formatTime(cov.last_end) : t('never'), { 'data-stat': 'last' }),
      stat(t('status'), cov ? (cov.late ? t('late') : t('healthy')) : '—', {
        class: `stat ${cov?.late ? 'missed' : 'met'}`,
      }),
    ),
  );
  return [head, trends, facts, indicatorSections(state, 'center', values.values)];
}

const TYPE_KEYS: Record<string, Key> = {
  generalType: 'generalType',
  intelligentType: 'intelligentType',
  supercomputingType: 'supercomputingType',
};
const SIZE_KEYS: Record<string, Key> = { small: 'small', medium: 'medium', large: 'large', hyperscale: 'hyperscale' };
const STATUS_KEYS: Record<string, Key> = {
  operating: 'operating',
  construction: 'construction',
  decommissioned: 'decommissioned',
};

function fact(label: string, value: string): Node[] {
  return [h('dt', {}, label), h('dd', {}, value)];
}
