/// <reference lib="dom" />
/** @module Alert history from the hub (what Alertmanager delivered), filtered by status and province; a provincial token sees its own. */
import { get, type AlertsAnswer } from '../api.ts';
import { h, link, section } from '../dom.ts';
import { formatTime, t } from '../i18n.ts';
import { provinceName, type AppState } from '../state.ts';

export interface AlertFilter {
  status: '' | 'firing' | 'resolved';
  province: string;
}

export async function renderAlerts(state: AppState, filter: AlertFilter, rerender: () => void): Promise<Node[]> {
  const answer = await get<AlertsAnswer>('/api/v1/alerts', {
    limit: 500,
    status: filter.status || undefined,
    province: filter.province || state.province,
  });
  const statusSelect = h(
    'select',
    {
      id: 'alert-status',
      'aria-label': t('status'),
      onchange: (e: Event) => {
        filter.status = (e.target as HTMLSelectElement).value as AlertFilter['status'];
        rerender();
      },
    },
    (['', 'firing', 'resolved'] as const).map((s) =>
      h('option', { value: s, selected: filter.status === s }, s ? t(s) : t('all')),
    ),
  );
  const provinceSelect =
    state.province === undefined
      ? h(
          'select',
          {
            id: 'alert-province',
            'aria-label': t('province'),
            onchange: (e: Event) => {
              filter.province = (e.target as HTMLSelectElement).value;
              rerender();
            },
          },
          h('option', { value: '' }, t('all')),
          state.catalog.provinces.map((p) =>
            h('option', { value: p.code, selected: filter.province === p.code }, provinceName(state, p.code)),
          ),
        )
      : null;
  const rows = answer.alerts.map((a) => {
    const center = a.labels.center;
    const known = center ? state.centerById.get(center) : undefined;
    return h(
      'tr',
      { class: `alert ${a.status}` },
      h('td', {}, formatTime(a.startsAt)),
      h('td', {}, h('span', { class: `badge ${a.status === 'firing' ? 'missed' : 'met'}` }, t(a.status))),
      h('td', {}, h('span', { class: `sev sev-${a.severity ?? 'none'}` }, a.severity ?? '—')),
      h('td', {}, a.alertname ?? '—'),
      h(
        'td',
        {},
        a.province
          ? state.province === undefined
            ? link(`#/province/${a.province}`, provinceName(state, a.province))
            : provinceName(state, a.province)
          : '—',
      ),
      h('td', {}, known ? link(`#/center/${encodeURIComponent(known.id)}`, known.name) : (center ?? '—')),
      h('td', {}, a.annotations.summary ?? a.annotations.description ?? ''),
      h('td', {}, a.endsAt ? formatTime(a.endsAt) : ''),
    );
  });
  const body = rows.length
    ? h(
        'table',
        { class: 'alerts' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [
              t('alertTime'),
              t('status'),
              t('severity'),
              t('alertName'),
              t('province'),
              t('center'),
              t('summary'),
              t('resolved'),
            ].map((x) => h('th', {}, x)),
          ),
        ),
        h('tbody', {}, rows),
      )
    : h('p', { class: 'empty' }, t('noAlerts'));
  return [
    h('div', { class: 'page-head' }, h('h1', {}, t('alerts'))),
    section(
      `${t('alerts')} (${answer.alerts.length})`,
      h('div', { class: 'filters' }, statusSelect, provinceSelect),
      body,
    ),
  ];
}
