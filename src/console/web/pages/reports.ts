/// <reference lib="dom" />
/**
 * @module Report downloads: xlsx, pdf, csv or json for the nation or a province and a month, quarter or year
 * (fetched with the token, saved as a file), and the delivery log of scheduled reports.
 */
import { ApiError, reportPath, request } from '../api.ts';
import { h, section } from '../dom.ts';
import { lang, t } from '../i18n.ts';
import { containing, recent, type ReportKind } from '../periods.ts';
import { levelName, provinceName, type AppState } from '../state.ts';

export function renderReports(state: AppState): Node[] {
  const scope = h(
    'select',
    { id: 'report-scope', 'aria-label': t('scope') },
    state.province === undefined ? h('option', { value: 'nation' }, levelName(state, 'nation', true)) : null,
    state.catalog.provinces
      .filter((p) => state.province === undefined || p.code === state.province)
      .map((p) => h('option', { value: p.code }, provinceName(state, p.code))),
  );
  const kind = h(
    'select',
    { id: 'report-kind', 'aria-label': t('period') },
    (['month', 'quarter', 'year'] as const).map((k) =>
      h('option', { value: k, selected: k === state.kind }, t(`kind_${k}`)),
    ),
  );
  const period = h('select', { id: 'report-period', 'aria-label': t('period') });
  const fillPeriods = () => {
    const k = kind.value as ReportKind;
    const month = state.latest.month ?? state.period;
    const latest = state.latest[k] ?? containing(k, month);
    period.replaceChildren(
      ...recent(latest, k === 'month' ? 12 : k === 'quarter' ? 8 : 5).map((p) =>
        h('option', { value: p, selected: p === state.period }, p),
      ),
    );
  };
  kind.addEventListener('change', fillPeriods);
  fillPeriods();
  const format = h(
    'select',
    { id: 'report-format', 'aria-label': t('format') },
    ['xlsx', 'pdf', 'csv', 'json'].map((f) => h('option', { value: f }, f)),
  );
  const status = h('p', { class: 'download-status', role: 'status' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('download'));
  const form = h(
    'form',
    {
      class: 'report-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        void download(scope.value, period.value, format.value, status, button);
      },
    },
    h('label', {}, t('scope'), scope),
    h('label', {}, t('period'), kind, period),
    h('label', {}, t('format'), format),
    button,
  );
  const log = h('div', { class: 'delivery-log' }, t('loading'));
  void deliveries(log);
  return [
    h('div', { class: 'page-head' }, h('h1', {}, t('reports'))),
    section(t('reports'), h('p', { class: 'hint' }, t('reportHint')), form, status),
    section(t('deliveries'), h('p', { class: 'hint' }, t('deliveriesHint')), log),
  ];
}

interface Delivery {
  at: string;
  period: string;
  scope: string;
  channel: string;
  target: string;
  status: 'sent' | 'failed';
  attempts: number;
  error?: string;
}

/** The delivery log (GET /api/v1/reports/deliveries): a table, newest first; a hub without schedule says so. */
async function deliveries(into: HTMLElement): Promise<void> {
  try {
    const res = await request('/api/v1/reports/deliveries');
    const list = ((await res.json()) as { deliveries: Delivery[] }).deliveries;
    if (list.length === 0) return void into.replaceChildren(h('p', { class: 'hint' }, t('deliveriesNone')));
    const head = ['deliveredAt', 'period', 'scope', 'channel', 'recipient', 'status', 'attempts', 'reason'] as const;
    into.replaceChildren(
      h(
        'table',
        { class: 'deliveries' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            head.map((k) => h('th', {}, t(k))),
          ),
        ),
        h(
          'tbody',
          {},
          list.map((d) =>
            h(
              'tr',
              { class: d.status },
              h('td', {}, new Date(d.at).toLocaleString(lang() === 'zh' ? 'zh-CN' : 'en-GB')),
              h('td', {}, d.period),
              h('td', {}, d.scope),
              h('td', {}, d.channel),
              h('td', {}, d.target),
              h('td', {}, t(d.status)),
              h('td', {}, String(d.attempts)),
              h('td', {}, d.error ?? ''),
            ),
          ),
        ),
      ),
    );
  } catch (err) {
    into.replaceChildren(
      h(
        'p',
        { class: 'hint' },
        err instanceof ApiError && err.status === 404 ? t('deliveriesOff') : `${t('error')}: ${String(err)}`,
      ),
    );
  }
}

/** Fetches with the bearer token (a plain link could not send it) and hands the bytes to the browser as a download. */
async function download(
  scope: string,
  period: string,
  format: string,
  status: HTMLElement,
  button: HTMLButtonElement,
): Promise<void> {
  button.disabled = true;
  status.className = 'download-status';
  status.textContent = t('loading');
  try {
    const res = await request(reportPath(scope, period, format, lang()));
    const blob = await res.blob();
    const name = filenameOf(res.headers.get('content-disposition')) ?? `dims-${scope}-${period}.${format}`;
    const href = URL.createObjectURL(blob);
    const a = h('a', { href, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 60_000);
    status.className = 'download-status ok';
    status.textContent = `${t('downloaded')}: ${name} (${(blob.size / 1024).toFixed(1)} KB)`;
  } catch (err) {
    status.className = 'download-status error';
    status.textContent = `${t('error')}: ${err instanceof ApiError ? `${err.code} ${err.message}` : String(err)}`;
  } finally {
    button.disabled = false;
  }
}

/** The file name of a Content-Disposition header (RFC 6266 filename* first). */
export function filenameOf(header: string | null): string | undefined {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  return plain?.[1]?.trim();
}
