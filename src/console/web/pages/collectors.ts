/// <reference lib="dom" />
/** @module Collector health: does storage answer, and is every center's agent delivering data now (late after the hub's threshold). */
import { get, request, type CoverageAnswer } from '../api.ts';
import { h, link, section, table } from '../dom.ts';
import { formatTime, t } from '../i18n.ts';
import { provinceName, type AppState, centerName } from '../state.ts';
import { percent, stat } from './common.ts';

export async function renderCollectors(
  state: AppState,
  onlyLate: { value: boolean },
  rerender: () => void,
): Promise<Node[]> {
  const [coverage, ready] = await Promise.all([
    get<CoverageAnswer>('/api/v1/coverage', { province: state.province }),
    request('/readyz').then(
      () => true,
      () => false,
    ),
  ]);
  const sum = coverage.nation ?? coverage.provinces[0];
  const head = h(
    'div',
    { class: 'page-head' },
    h('h1', {}, t('collectors')),
    h(
      'div',
      { class: 'stats' },
      stat(t('storage'), ready ? t('ready') : t('notReady'), { class: `stat ${ready ? 'met' : 'missed'}` }),
      stat(t('expected'), String(sum?.expected ?? 0)),
      stat(t('healthy'), String((sum?.expected ?? 0) - (sum?.late ?? 0)), {
        class: 'stat met',
        'data-stat': 'healthy',
      }),
      stat(t('late'), String(sum?.late ?? 0), { class: `stat ${sum?.late ? 'missed' : 'met'}`, 'data-stat': 'late' }),
    ),
  );
  const provinces = section(
    t('provinces'),
    table(
      [t('province'), t('expected'), t('late'), t('onTime')],
      coverage.provinces.map((p) => [
        link(`#/province/${p.code}`, provinceName(state, p.code)),
        String(p.expected),
        String(p.late),
        percent(p.expected ? (p.expected - p.late) / p.expected : null),
      ]),
    ),
  );
  const list = coverage.centers
    .filter((c) => c.expected && (!onlyLate.value || c.late))
    .sort(
      (a, b) =>
        Number(b.late) - Number(a.late) ||
        (a.last_end ?? '').localeCompare(b.last_end ?? '') ||
        a.center.localeCompare(b.center),
    );
  const toggle = h(
    'label',
    { class: 'picker' },
    h('input', {
      type: 'checkbox',
      id: 'only-late',
      checked: onlyLate.value,
      onchange: (e: Event) => {
        onlyLate.value = (e.target as HTMLInputElement).checked;
        rerender();
      },
    }),
    ` ${t('onlyLate')}`,
  );
  const centers = section(
    `${t('centers')} (${list.length})`,
    toggle,
    h(
      'table',
      { class: 'collectors' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [t('center'), t('province'), t('lastRecord'), t('status')].map((x) => h('th', {}, x)),
        ),
      ),
      h(
        'tbody',
        {},
        list.map((c) =>
          h(
            'tr',
            { 'data-center': c.center },
            h(
              'td',
              {},
              link(`#/center/${encodeURIComponent(c.center)}`, centerName(state.centerById.get(c.center) ?? c)),
            ),
            h('td', {}, provinceName(state, c.province)),
            h('td', {}, c.last_end ? formatTime(c.last_end) : t('never')),
            h(
              'td',
              {},
              h(
                'span',
                { class: `badge ${c.late ? 'missed' : 'met'}` },
                c.late ? (c.last_end ? t('late') : t('never')) : t('healthy'),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  return [head, h('div', { class: 'two' }, provinces, centers)];
}
