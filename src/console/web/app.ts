/// <reference lib="dom" />
/** @module The console's shell: sign-in, header (navigation, period, language), hash routes, and rendering pages into #view. */
import {
  ApiError,
  get,
  getToken,
  onUnauthorized,
  setToken,
  type CatalogAnswer,
  type HierarchyAnswer,
  type ValuesAnswer,
  type WhoamiAnswer,
} from './api.ts';
import { h, mount } from './dom.ts';
import { lang, setLang, t, type Lang } from './i18n.ts';
import { containing, recent, type ReportKind } from './periods.ts';
import { indexState, levelName, provinceName, type AppState } from './state.ts';
import { renderNation } from './pages/nation.ts';
import { renderProvince } from './pages/province.ts';
import { renderCenter } from './pages/center.ts';
import { renderAlerts, type AlertFilter } from './pages/alerts.ts';
import { renderCollectors } from './pages/collectors.ts';
import { renderCenterReports, renderReports } from './pages/reports.ts';

const LANG_KEY = 'dims.lang';
const KIND_KEY = 'dims.kind';
const PERIOD_KEY = 'dims.period';

let state: AppState | undefined;
/** Set instead of `state` when a center's own token is signed in: it reads that center's reports and nothing else. */
let centerToken: WhoamiAnswer | undefined;
/** Increases with every render; an answer arriving for an older one is dropped. */
let generation = 0;
const alertFilter: AlertFilter = { status: '', province: '' };
const onlyLate = { value: false };

function root(): HTMLElement {
  return document.getElementById('app')!;
}

function applyLang(l: Lang): void {
  setLang(l);
  localStorage.setItem(LANG_KEY, l);
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
}

function signInPage(message?: string): void {
  state = undefined;
  centerToken = undefined;
  generation++;
  const input = h('input', {
    id: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-label': t('token'),
    placeholder: 'dims_…',
  });
  const form = h(
    'form',
    {
      class: 'login card',
      onsubmit: (e: Event) => {
        e.preventDefault();
        void signIn(input.value.trim());
      },
    },
    h('h1', {}, t('loginTitle')),
    h('p', { class: 'hint' }, t('loginHint')),
    h('label', {}, t('token'), input),
    message ? h('p', { class: 'error', role: 'alert' }, message) : null,
    h('button', { type: 'submit', class: 'primary' }, t('signIn')),
  );
  mount(root(), header(false), h('main', { id: 'view' }, form));
  input.focus();
}

/** Scopes that may sign in: the readers and a center's own token (the others push data or deliver alerts). */
const CONSOLE_SCOPES: ReadonlyArray<WhoamiAnswer['kind']> = ['nation', 'admin', 'province', 'center'];

async function signIn(token: string): Promise<void> {
  if (!token) return signInPage(t('badToken'));
  try {
    const me = await get<WhoamiAnswer>('/api/v1/whoami', {}, token);
    if (!CONSOLE_SCOPES.includes(me.kind)) return signInPage(t('notConsoleToken'));
  } catch (err) {
    return signInPage(
      err instanceof ApiError && err.status === 401 ? t('badToken') : `${t('error')}: ${(err as Error).message}`,
    );
  }
  setToken(token);
  await boot();
}

/** Loads what every page needs, then shows the page the hash names. */
async function boot(): Promise<void> {
  const me = await get<WhoamiAnswer>('/api/v1/whoami');
  if (me.kind === 'center') {
    // A center's token reads no catalog, values or hierarchy: its console is its own reports page.
    state = undefined;
    centerToken = me;
    return route();
  }
  centerToken = undefined;
  const [catalog, hierarchy] = await Promise.all([
    get<CatalogAnswer>('/api/v1/catalog'),
    get<HierarchyAnswer>('/api/v1/hierarchy'),
  ]);
  const province = hierarchy.nation.scoped_to;
  // The newest closed period of each kind as the hub sees it (its checkpoints): what "latest" means on every page.
  const probe = (kind: ReportKind) =>
    get<ValuesAnswer>(
      '/api/v1/values',
      province
        ? { level: 'province', code: province, kind, indicators: 'pue' }
        : { level: 'nation', kind, indicators: 'pue' },
    );
  const [m, q, y] = await Promise.all((['month', 'quarter', 'year'] as const).map(probe));
  const month = m!.period ?? new Date().toISOString().slice(0, 7);
  const latest = {
    month,
    quarter: q!.period ?? containing('quarter', month),
    year: y!.period ?? containing('year', month),
  };
  const kind = (sessionStorage.getItem(KIND_KEY) as ReportKind | null) ?? 'month';
  const period = sessionStorage.getItem(PERIOD_KEY) ?? latest[kind];
  state = indexState({
    catalog,
    hierarchy,
    province,
    kind,
    period,
    latest,
    mapIndicator: sessionStorage.getItem('dims.mapIndicator') ?? 'pue',
  });
  await route();
}

function header(signedIn: boolean): HTMLElement {
  const s = state;
  const me = centerToken;
  const nav =
    signedIn && me
      ? h('nav', { class: 'main-nav' }, h('a', { href: '#/reports', 'data-nav': 'reports' }, t('reports')))
      : signedIn && s
        ? h(
            'nav',
            { class: 'main-nav' },
            s.province === undefined
              ? h('a', { href: '#/nation', 'data-nav': 'nation' }, levelName(s, 'nation', true))
              : h('a', { href: `#/province/${s.province}`, 'data-nav': 'province' }, provinceName(s, s.province)),
            h('a', { href: '#/alerts', 'data-nav': 'alerts' }, t('alerts')),
            h('a', { href: '#/collectors', 'data-nav': 'collectors' }, t('collectors')),
            h('a', { href: '#/reports', 'data-nav': 'reports' }, t('reports')),
          )
        : null;
  const periodPicker = signedIn && s ? periodControls(s) : null;
  return h(
    'header',
    { class: 'top' },
    h(
      'div',
      { class: 'brand' },
      h('div', { class: 'brand-title' }, t('title')),
      h('div', { class: 'brand-sub' }, t('subtitle')),
    ),
    nav,
    h(
      'div',
      { class: 'tools' },
      periodPicker,
      signedIn && me
        ? h(
            'span',
            { class: 'scope', title: t('signedInAs') },
            `${t('scopeCenter')}: ${me.center?.name ?? me.center?.id}`,
          )
        : null,
      signedIn && s
        ? h(
            'span',
            { class: 'scope', title: t('signedInAs') },
            s.province ? `${t('scopeProvince')}: ${provinceName(s, s.province)}` : levelName(s, 'nation'),
          )
        : null,
      h(
        'button',
        {
          type: 'button',
          id: 'lang-toggle',
          class: 'ghost',
          onclick: () => {
            applyLang(lang() === 'zh' ? 'en' : 'zh');
            if (state) void route();
            else signInPage();
          },
        },
        t('switchLang'),
      ),
      signedIn
        ? h(
            'button',
            {
              type: 'button',
              id: 'logout',
              class: 'ghost',
              onclick: () => {
                setToken(null);
                sessionStorage.clear();
                location.hash = '';
                signInPage();
              },
            },
            t('logout'),
          )
        : null,
    ),
  );
}

function periodControls(s: AppState): HTMLElement {
  const kind = h(
    'select',
    {
      id: 'period-kind',
      'aria-label': t('period'),
      onchange: (e: Event) => {
        s.kind = (e.target as HTMLSelectElement).value as ReportKind;
        s.period = s.latest[s.kind] ?? containing(s.kind, s.latest.month ?? s.period);
        remember(s);
        void route();
      },
    },
    (['month', 'quarter', 'year'] as const).map((k) =>
      h('option', { value: k, selected: k === s.kind }, t(`kind_${k}`)),
    ),
  );
  const latest = s.latest[s.kind] ?? s.period;
  const options = recent(latest, s.kind === 'month' ? 12 : s.kind === 'quarter' ? 8 : 5);
  if (!options.includes(s.period)) options.unshift(s.period);
  const period = h(
    'select',
    {
      id: 'period',
      'aria-label': t('period'),
      onchange: (e: Event) => {
        s.period = (e.target as HTMLSelectElement).value;
        remember(s);
        void route();
      },
    },
    options.map((p) => h('option', { value: p, selected: p === s.period }, p)),
  );
  return h('label', { class: 'period' }, `${t('period')} `, kind, period);
}

function remember(s: AppState): void {
  sessionStorage.setItem(KIND_KEY, s.kind);
  sessionStorage.setItem(PERIOD_KEY, s.period);
}

/** Renders the page named by location.hash. */
async function route(): Promise<void> {
  if (centerToken) return centerRoute(centerToken);
  const s = state;
  if (!s) return;
  const my = ++generation;
  const hash = location.hash.replace(/^#\/?/, '');
  const [page = '', arg = ''] = hash.split('/').map((x) => decodeURIComponent(x));
  const view = h('main', { id: 'view', 'aria-busy': 'true' }, h('p', { class: 'loading' }, t('loading')));
  mount(root(), header(true), view);
  root()
    .querySelectorAll<HTMLAnchorElement>('.main-nav a')
    .forEach((a) => {
      if (
        a.dataset.nav === page ||
        (page === 'center' && a.dataset.nav === 'province') ||
        (page === '' && a.dataset.nav === (s.province ? 'province' : 'nation'))
      )
        a.classList.add('active');
    });
  const rerender = () => void route();
  try {
    let nodes: Node[];
    if (page === '' || page === 'nation') {
      if (s.province !== undefined) {
        // A provincial token has no national view: its home is its province.
        location.replace(`#/province/${s.province}`);
        return;
      }
      nodes = await renderNation(s, rerender);
    } else if (page === 'province') nodes = await renderProvince(s, arg);
    // Another province's pages are not hidden here: the hub refuses them (403) and the page says so.
    else if (page === 'center') nodes = await renderCenter(s, arg);
    else if (page === 'alerts') nodes = await renderAlerts(s, alertFilter, rerender);
    else if (page === 'collectors') nodes = await renderCollectors(s, onlyLate, rerender);
    else if (page === 'reports') nodes = renderReports(s);
    else nodes = [h('p', { class: 'error' }, `${t('notFound')}: ${hash}`)];
    if (my !== generation) return;
    mount(view, ...nodes);
  } catch (err) {
    if (my !== generation) return;
    const forbidden = err instanceof ApiError && err.status === 403;
    mount(
      view,
      h(
        'div',
        { class: `card error${forbidden ? ' forbidden' : ''}`, role: 'alert' },
        h('h2', {}, forbidden ? t('forbidden') : t('error')),
        h('p', {}, err instanceof ApiError ? `${err.code}: ${err.message}` : String(err)),
        s.province
          ? h('p', {}, h('a', { href: `#/province/${s.province}` }, `${t('backTo')} ${provinceName(s, s.province)}`))
          : null,
      ),
    );
  }
  view.removeAttribute('aria-busy');
}

/** A center's token has one page: its own reports. */
function centerRoute(me: WhoamiAnswer): void {
  generation++;
  if (location.hash !== '#/reports') history.replaceState(null, '', '#/reports');
  const view = h('main', { id: 'view' }, ...renderCenterReports(me));
  mount(root(), header(true), view);
  root().querySelector<HTMLAnchorElement>('.main-nav a')?.classList.add('active');
}

function start(): void {
  applyLang((localStorage.getItem(LANG_KEY) as Lang | null) === 'en' ? 'en' : 'zh');
  onUnauthorized(() => {
    setToken(null);
    signInPage(t('badToken'));
  });
  window.addEventListener('hashchange', () => void route());
  const token = getToken();
  if (!token) return signInPage();
  boot().catch((err) =>
    signInPage(
      err instanceof ApiError && err.status === 401 ? t('badToken') : `${t('error')}: ${(err as Error).message}`,
    ),
  );
}

start();
