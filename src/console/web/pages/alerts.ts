/// <reference lib="dom" />
/** @module Alert history from the hub (what Alertmanager delivered), filtered by status and province; a provincial token sees its own. */
import { get, type AlertsAnswer } from '../api.ts';
import { h, link, section } from '../dom.ts';
import { formatTime, lang, t, type Key } from '../i18n.ts';
import { centerName, provinceName, type AppState } from '../state.ts';

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
  // The Watchdog always fires by design (a dead-man's switch for the alerting path): it is not an alert to act on.
  const alerts = answer.alerts.filter((a) => a.labels.kind !== 'watchdog');
  const rows = alerts.map((a) => {
    const center = a.labels.center;
    const known = center ? state.centerById.get(center) : undefined;
    const summary = (lang() === 'en' ? a.annotations.summary_en : undefined) ?? a.annotations.summary;
    const runbook = a.annotations.runbook_url;
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
      h('td', {}, known ? link(`#/center/${encodeURIComponent(known.id)}`, centerName(known)) : (center ?? '—')),
      h('td', { class: 'alert-subject' }, subject(state, a.labels)),
      h('td', {}, summary ?? a.annotations.description ?? ''),
      h(
        'td',
        {},
        runbook && /^https?:\/\//.test(runbook)
          ? h('a', { href: runbook, target: '_blank', rel: 'noopener', class: 'runbook' }, t('runbook'))
          : '—',
      ),
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
              t('alertSubject'),
              t('summary'),
              t('runbook'),
              t('resolved'),
            ].map((x) => h('th', {}, x)),
          ),
        ),
        h('tbody', {}, rows),
      )
    : h('p', { class: 'empty' }, t('noAlerts'));
  return [
    h('div', { class: 'page-head' }, h('h1', {}, t('alerts'))),
    section(`${t('alerts')} (${alerts.length})`, h('div', { class: 'filters' }, statusSelect, provinceSelect), body),
  ];
}

const KIND_KEYS: Record<string, Key> = {
  environment: 'kindEnvironment',
  collector: 'kindCollector',
  staleness: 'kindStaleness',
};

/** What an alert is about: the catalog indicator (code and name) it watches, or its kind of operational check. */
function subject(state: AppState, labels: Record<string, string>): string {
  const ind = labels.indicator ? state.indicatorById.get(labels.indicator) : undefined;
  if (ind) return `${ind.code} ${lang() === 'en' ? ind.name.en : ind.name.zh}`;
  const key = labels.kind ? KIND_KEYS[labels.kind] : undefined;
  return key ? t(key) : (labels.indicator ?? '—');
}
