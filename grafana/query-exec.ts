/**
 * @module Executes dashboard queries the way Grafana would send them, against a real InfluxDB and Prometheus:
 * Grafana macros and template variables are substituted, then a query passes only if it returns data.
 *
 * InfluxDB answers HTTP 200 with no `series` for a misspelled measurement, field or tag, so "no error" is
 * not enough: an empty answer is a failure too.
 */
import type { DashboardQuery } from './check.ts';

export interface ExecContext {
  influxUrl: string;
  database: string;
  prometheusUrl: string;
  /** InfluxQL time range for $timeFilter (ms since epoch). */
  fromMs: number;
  toMs: number;
  /** Values of template variables (first value of each variable query, or a custom variable's value). */
  variables: Record<string, string>;
}

export interface ExecResult {
  ok: boolean;
  /** Series (InfluxQL) or result vectors (PromQL) returned. */
  series: number;
  /** The first values returned (variable queries use these). */
  values: string[];
  error?: string;
  sent: string;
}

function regexEscape(v: string): string {
  return v.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Substitutes Grafana's InfluxQL macros and the variables; variable values inside /regexps/ are escaped. */
export function substituteInfluxQL(q: string, ctx: ExecContext): string {
  let out = q
    .replace(/\$timeFilter/g, `time >= ${Math.floor(ctx.fromMs)}ms AND time <= ${Math.ceil(ctx.toMs)}ms`)
    .replace(/\$__interval/g, '1m');
  out = out.replace(/\/\^\$(\w+)\$\//g, (_m, name: string) => `/^${regexEscape(ctx.variables[name] ?? '')}$/`);
  return out.replace(/\$\{?(\w+)\}?/g, (m, name: string) => ctx.variables[name] ?? m);
}

/** Substitutes Grafana's PromQL macros; multi-value variables take the All value `.*`. */
export function substitutePromQL(q: string, ctx: ExecContext): string {
  return q
    .replace(/\$__rate_interval/g, '1m')
    .replace(/\$__interval/g, '1m')
    .replace(/\$__range/g, '1h')
    .replace(/\$\{?(\w+)\}?/g, (m, name: string) => ctx.variables[name] ?? m);
}

/** Runs one InfluxQL statement; ok only with HTTP 200, no error and at least one series. */
export async function execInfluxQL(q: string, ctx: ExecContext): Promise<ExecResult> {
  const sent = substituteInfluxQL(q, ctx);
  const res = await fetch(`${ctx.influxUrl}/query`, {
    method: 'POST',
    body: new URLSearchParams({ db: ctx.database, q: sent, epoch: 'ms' }),
  });
  const text = await res.text();
  let body: {
    error?: string;
    results?: Array<{ error?: string; series?: Array<{ values?: unknown[][]; columns?: string[] }> }>;
  } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { ok: false, series: 0, values: [], error: `HTTP ${res.status}: ${text.slice(0, 200)}`, sent };
  }
  const err = body.error ?? body.results?.find((r) => r.error)?.error;
  const series = body.results?.flatMap((r) => r.series ?? []) ?? [];
  // SHOW TAG VALUES answers columns [key, value]; take the value column.
  const values = series.flatMap((s) =>
    (s.values ?? []).map((row) => String(row[(s.columns ?? []).indexOf('value')] ?? row[1] ?? '')),
  );
  if (res.status !== 200 || err)
    return {
      ok: false,
      series: series.length,
      values,
      error: `HTTP ${res.status}: ${err ?? text.slice(0, 200)}`,
      sent,
    };
  if (series.length === 0)
    return {
      ok: false,
      series: 0,
      values,
      error: 'no series (misspelled measurement, field or tag, or no data)',
      sent,
    };
  return { ok: true, series: series.length, values, sent };
}

/** Runs one PromQL expression as an instant query (label_values(m, l) as a series lookup); ok only with a non-empty result. */
export async function execPromQL(q: string, ctx: ExecContext): Promise<ExecResult> {
  const sub = substitutePromQL(q, ctx);
  const lv = /^label_values\((.+),\s*(\w+)\)$/.exec(sub.trim());
  const sent = lv ? `group by (${lv[2]}) (${lv[1]})` : sub;
  const res = await fetch(`${ctx.prometheusUrl}/api/v1/query`, {
    method: 'POST',
    body: new URLSearchParams({ query: sent }),
  });
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data?: { result?: Array<{ metric: Record<string, string> }> };
  };
  const result = body.data?.result ?? [];
  const values = lv ? result.map((r) => r.metric[lv[2] as string] ?? '') : [];
  if (body.status !== 'success')
    return { ok: false, series: 0, values, error: `HTTP ${res.status}: ${body.error}`, sent };
  if (result.length === 0) return { ok: false, series: 0, values, error: 'empty result', sent };
  return { ok: true, series: result.length, values, sent };
}

export function execQuery(q: DashboardQuery, ctx: ExecContext): Promise<ExecResult> {
  return q.language === 'promql' ? execPromQL(q.text, ctx) : execInfluxQL(q.text, ctx);
}
