/// <reference lib="dom" />
/**
 * @module Report downloads: xlsx, pdf, csv or json for the nation, a province or one center's own report, for a month,
 * quarter or year (fetched with the token, saved as a file), and the delivery log of scheduled reports. A center's
 * token gets its own center's report only.
 */
import { ApiError, centerReportPath, reportPath, request, type WhoamiAnswer } from '../api.ts';
import { h, section } from '../dom.ts';
import { lang, t } from '../i18n.ts';
import { containing, recent, type ReportKind } from '../periods.ts';
import { levelName, provinceName, type AppState } from '../state.ts';

/** What the form offers: scopes (none for a center's token) and, per scope, the centers whose own report may be asked. */
interface FormChoices {
  scopes: Array<{ value: string; label: string }>;
  centersOf(scope: string): Array<{ value: string; label: string }>;
  /** Whether a scope's own report is on offer beside its centers' (not for a center's token). */
  wholeScope: boolean;
  kind: ReportKind;
  period: string;
  latest: Partial<Record<ReportKind, string>>;
}

/** The download form: scope, center (a center's own report), period kind and period, format. */
function reportForm(c: FormChoices): { form: HTMLElement; status: HTMLElement } {
  const scope = h(
    'select',
    { id: 'report-scope', 'aria-label': t('scope') },
    c.scopes.map((o) => h('option', { value: o.value }, o.label)),
  );
  const center = h('select', { id: 'report-center', 'aria-label': t('reportCenter') });
  const fillCenters = () => {
    const list = c.centersOf(scope.value);
    center.replaceChildren(
      ...(c.wholeScope ? [h('option', { value: '' }, t('wholeScope'))] : []),
      ...list.map((o) => h('option', { value: o.value }, o.label)),
    );
    center.disabled = list.length === 0;
  };
  scope.addEventListener('change', fillCenters);
  fillCenters();
  const kind = h(
    'select',
    { id: 'report-kind', 'aria-label': t('period') },
    (['month', 'quarter', 'year'] as const).map((k) =>
      h('option', { value: k, selected: k === c.kind }, t(`kind_${k}`)),
    ),
  );
  const period = h('select', { id: 'report-period', 'aria-label': t('period') });
  const fillPeriods = () => {
    const k = kind.value as ReportKind;
    const month = c.latest.month ?? c.period;
    const latest = c.latest[k] ?? containing(k, month);
    period.replaceChildren(
      ...recent(latest, k === 'month' ? 12 : k === 'quarter' ? 8 : 5).map((p) =>
        h('option', { value: p, selected: p === c.period }, p),
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
        const path = center.value
          ? centerReportPath(center.value, period.value, format.value, lang())
          : reportPath(scope.value, period.value, format.value, lang());
        void download(path, `${center.value || scope.value}-${period.value}.${format.value}`, status, button);
      },
    },
    c.scopes.length > 0 ? h('label', {}, t('scope'), scope) : null,
    h('label', {}, t('reportCenter'), center),
    h('label', {}, t('period'), kind, period),
    h('label', {}, t('format'), format),
    button,
  );
  return { form, status };
}

/** The reports page of a nation, admin or provincial token: its scopes, their centers, and the delivery log. */
export function renderReports(state: AppState): Node[] {
  const { form, status } = reportForm({
    scopes: [
      ...(state.province === undefined ? [{ value: 'nation', label: levelName(state, 'nation', true) }] : []),
      ...state.catalog.provinces
        .filter((p) => state.province === undefined || p.code === state.province)
        .map((p) => ({ value: p.code, label: provinceName(state, p.code) })),
    ],
    centersOf: (scope) =>
      (state.hierarchy.provinces.find((p) => p.code === scope)?.centers ?? [])
        .map((c) => ({ value: c.id, label: `${c.name} (${c.id})` }))
        .sort((a, b) => a.label.localeCompare(b.label, 'zh-CN')),
    wholeScope: true,
    kind: state.kind,
    period: state.period,
    latest: state.latest,
  });
  const log = h('div', { class: 'delivery-log' }, t('loading'));
  void deliveries(log, (scope) => (scope === 'nation' ? levelName(state, 'nation', true) : provinceName(state, scope)));
  return [
    h('div', { class: 'page-head' }, h('h1', {}, t('reports'))),
    section(t('reports'), h('p', { class: 'hint' }, t('reportHint')), form, status),
    section(t('deliveries'), h('p', { class: 'hint' }, t('deliveriesHint')), log),
  ];
}

/** The reports page of a center's own token: that center's report only (the token reads nothing else). */
export function renderCenterReports(me: WhoamiAnswer): Node[] {
  const c = me.center!;
  const { form, status } = reportForm({
    scopes: [],
    centersOf: () => [{ value: c.id, label: c.name ? `${c.name} (${c.id})` : c.id }],
    wholeScope: false,
    kind: 'month',
    period: me.ended.month,
    latest: me.ended,
  });
  return [
    h('div', { class: 'page-head' }, h('h1', {}, t('reports'))),
    section(t('reports'), h('p', { class: 'hint' }, t('centerReportHint')), form, status),
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
async function deliveries(into: HTMLElement, scopeName: (scope: string) => string): Promise<void> {
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
              h('td', { title: d.scope }, scopeName(d.scope)),
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
  path: string,
  fallbackName: string,
  status: HTMLElement,
  button: HTMLButtonElement,
): Promise<void> {
  button.disabled = true;
  status.className = 'download-status';
  status.textContent = t('loading');
  try {
    const res = await request(path);
    const blob = await res.blob();
    const name = filenameOf(res.headers.get('content-disposition')) ?? `dims-${fallbackName}`;
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
