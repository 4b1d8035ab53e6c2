/// <reference lib="dom" />
/** @module The hub's JSON API as the console reads it: bearer token from sessionStorage, typed answers, errors with the hub's codes. */
import type { Indicator, LevelInfo, Province } from '../../catalog/types.ts';

const TOKEN_KEY = 'dims.token';

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** An error answer of the hub: HTTP status plus the error catalog's code and message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

type Params = Record<string, string | number | undefined | null>;

function url(path: string, params: Params = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** Listeners told when the hub says the token is no longer valid (the app shows the sign-in form). */
const unauthorized: Array<() => void> = [];
export function onUnauthorized(fn: () => void): void {
  unauthorized.push(fn);
}

export async function request(path: string, params: Params = {}, token = getToken()): Promise<Response> {
  const res = await fetch(url(path, params), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (res.ok) return res;
  let code = `HTTP_${res.status}`;
  let message = res.statusText;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    // not JSON: keep the status text
  }
  if (res.status === 401) for (const fn of unauthorized) fn();
  throw new ApiError(res.status, code, message);
}

export async function get<T>(path: string, params: Params = {}, token?: string): Promise<T> {
  const res = await request(path, params, token ?? getToken());
  return (await res.json()) as T;
}

// --- answer shapes (src/hub/routes/*.ts) ---------------------------------------------------------

export type PeriodKindName = 'day' | 'month' | 'quarter' | 'year';

export interface CatalogAnswer {
  version: string;
  dimensions: string[];
  /** The names of center, province and nation (indicators/reference/levels.yaml). */
  levels: LevelInfo[];
  indicators: Array<Omit<Indicator, 'file'>>;
  provinces: Province[];
}

export interface PresentedTarget {
  op: string;
  value: number;
  official: boolean;
  met: boolean | null;
}

export interface PresentedValue {
  level: 'nation' | 'province' | 'center';
  code: string;
  indicator: string;
  indicator_code?: string;
  dimension?: string;
  unit: string;
  value: number | null;
  centers: number;
  coverage: { centers: number | null; it_energy: number | null };
  reason: string | null;
  period?: string;
  targets?: PresentedTarget[];
}

export interface ValuesAnswer {
  level: string;
  code?: string;
  kind: string;
  period: string | null;
  values: PresentedValue[];
}

export interface OverviewAnswer {
  kind: string;
  period: string | null;
  nation: PresentedValue[];
  provinces: Record<string, Array<{ indicator: string; value: number | null }>>;
}

export interface SeriesAnswer {
  indicator: string;
  unit: string;
  points: Array<{ period: string; from: string; to: string; value: number | null; reason: string | null }>;
}

export interface RankingAnswer {
  indicator: string;
  level: string;
  period: string | null;
  direction: string;
  unit: string;
  count: number;
  ranking: Array<{ code: string; value: number | null; rank: number | null; name?: string; province?: string }>;
}

export interface HierarchyCenter {
  id: string;
  name: string;
  /** English translation of the name. */
  name_en: string | null;
  operator: string | null;
  operator_en: string | null;
  city: string | null;
  type: string;
  size_class: string;
  status: string;
  hub_cluster: string | null;
  commission_date: string;
  racks_installed: number;
  it_rated_kw: number;
  /** A simulated center modelled 1:N by its devices. */
  model_scale: number | null;
}

export interface HierarchyAnswer {
  nation: { code: 'CN'; scoped_to?: string };
  provinces: Array<{
    code: string;
    zh: string;
    en: string;
    abbr: string;
    hub_node: string | null;
    centers: HierarchyCenter[];
  }>;
}

export interface CoverageSummary {
  expected: number;
  reported: number;
  late: number;
  ratio: number | null;
}

export interface CoverageAnswer {
  kind: string;
  period: string | null;
  from: string;
  to: string;
  late_after_minutes: number;
  nation?: CoverageSummary;
  provinces: Array<{ code: string; name: string } & CoverageSummary>;
  centers: Array<{
    center: string;
    name: string;
    province: string;
    expected: boolean;
    records: number;
    reported: boolean;
    first_start: string | null;
    last_end: string | null;
    late: boolean;
  }>;
}

export interface AlertItem {
  fingerprint: string;
  status: 'firing' | 'resolved';
  startsAt: string;
  endsAt: string | null;
  alertname: string | null;
  province: string | null;
  severity: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  receivedAt: string;
}

export interface AlertsAnswer {
  alerts: AlertItem[];
}

/** GET /api/v1/whoami: what the signed-in token is (src/hub/routes/whoami.ts). */
export interface WhoamiAnswer {
  scope: string;
  kind: 'nation' | 'admin' | 'province' | 'center' | 'agent' | 'federate' | 'alertmanager';
  province?: { code: string; zh?: string; en?: string };
  center?: { id: string; name: string | null; province: { code: string; zh?: string; en?: string } | null };
  /** The newest ended period of each kind by the hub's clock. */
  ended: { month: string; quarter: string; year: string };
}

/** A center's own report (src/report/route.ts CENTER_REPORT_PATH). */
export function centerReportPath(center: string, period: string, format: string, lang: string): string {
  return `/api/v1/reports/center/${encodeURIComponent(center)}/${encodeURIComponent(period)}.${format}?lang=${lang}`;
}

/** The report download URL (src/report/route.ts): scope is `nation` or a province code; the report speaks the console's language. */
export function reportPath(scope: string, period: string, format: string, lang: string): string {
  return `/api/v1/reports/${encodeURIComponent(scope)}/${encodeURIComponent(period)}.${format}?lang=${lang}`;
}
