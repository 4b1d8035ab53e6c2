/**
 * @module The standing hostile suite's harness: a hub on either store seeded with records, values and an
 * alert; a snapshot of everything it stores; and the checks every hostile answer must pass (status,
 * JSON error shape, bounded echo, no stack, security headers).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InfluxStorage } from '../../storage/influx/influx-storage.ts';
import type { Storage, PeriodKind } from '../../storage/types.ts';
import { openStorage } from '../../storage/open.ts';
import { startTestHub, telemetry, type TestHub } from '../test-support.ts';

/** The hub's "now": 10:00 in Asia/Shanghai. */
export const NOW = Date.parse('2026-10-05T02:00:00Z');
/** Seeded telemetry covers [SEED_FROM, SEED_TO): one-minute records of gz-01 and gd-01. */
export const SEED_FROM = Date.parse('2026-10-05T00:00:00Z');
export const SEED_TO = Date.parse('2026-10-05T01:00:00Z');
/** The closed hour the seed is computed for (Asia/Shanghai). */
export const SEED_HOUR = '2026-10-05T08';

export type StoreKind = 'sqlite' | 'influxdb';

export interface HostileRequest {
  method: 'GET' | 'POST';
  path: string;
  scope?: string;
  token?: string;
  headers?: Record<string, string>;
  /** A JSON value sent as application/json. */
  json?: unknown;
  /** A raw body (content type in headers). */
  body?: string | Buffer;
}

export interface HostileCase {
  /** What is attacked, e.g. "POST /api/v1/records" (the table's row). */
  endpoint: string;
  /** The kind of attack (the table's column): nesting, intervals, overlaps, time range … */
  class: string;
  name: string;
  /** The request; a function when it must be built (an .xlsx bomb) or depends on the store. */
  request: HostileRequest | ((store: StoreKind) => HostileRequest | Promise<HostileRequest>);
  /** Expected status. */
  status: number;
  /** Expected error code. */
  code?: string;
  /** Text the answer must contain: the field or parameter the error names. */
  names?: string;
}

/** Starts a hub on `store` and seeds it (InfluxDB: a fresh database on `influxUrl`). */
export async function startHostileHub(store: StoreKind, influxUrl?: string): Promise<TestHub> {
  let storage: Storage;
  if (store === 'influxdb') {
    // NOW lies months before the wall clock: the raw retention policy must hold the seeded records.
    storage = new InfluxStorage({
      url: influxUrl!,
      database: `dims_hostile_${process.pid}_${Date.now()}`,
      retention: { raw: 'INF' },
    });
    await storage.open();
  } else storage = await openStorage({ kind: 'sqlite', path: ':memory:' });
  const reportsDir = mkdtempSync(path.join(tmpdir(), 'dims-hostile-reports-'));
  const hub = await startTestHub({
    storage,
    now: () => NOW,
    config: {
      engine: { refresh_on_ingest_ms: 0 },
      // The suite itself sends many bad tokens from one address: keep the failed-authentication limit out of its way.
      limits: { auth_failures_per_minute: 100_000 },
      // A reports directory mounts the delivery log and the signed report-file links (no schedule runs).
      reports: { dir: reportsDir, monthly: '', quarterly: '' },
    },
  });
  const close = hub.close.bind(hub);
  hub.close = async () => {
    await close();
    rmSync(reportsDir, { recursive: true, force: true });
  };
  await seed(hub);
  return hub;
}

async function seed(hub: TestHub): Promise<void> {
  for (const c of ['gz-01', 'gd-01']) {
    const records = [];
    for (let t = SEED_FROM; t < SEED_TO; t += 60_000) records.push(telemetry(c, t));
    const r = await hub.call('POST', '/api/v1/records', { scope: `agent:${c}`, json: { records } });
    assert.equal(r.status, 200, r.text);
  }
  const d = await hub.call('POST', '/api/v1/declarations', {
    scope: 'admin',
    json: { declarations: [{ center: 'gz-01', period: '2026-09', metrics: { security_incidents: 1 } }] },
  });
  assert.equal(d.status, 200, d.text);
  await hub.ctx.engine.runPeriod('hour', SEED_HOUR);
  for (const [kind, period] of [
    ['hour', SEED_HOUR],
    ['day', '2026-10-04'],
    ['month', '2026-09'],
    ['quarter', '2026-Q3'],
    ['year', '2025'],
  ] as const)
    hub.ctx.state.setCheckpoint(kind, period, NOW);
  hub.ctx.state.insertAlerts([
    {
      fingerprint: 'f00d',
      status: 'firing',
      starts_at: '2026-10-05T01:00:00Z',
      ends_at: null,
      alertname: 'PueHigh',
      province: '52',
      severity: 'warning',
      labels: { alertname: 'PueHigh', province: '52' },
      annotations: {},
      generator_url: null,
      receiver: null,
      received_at: NOW - 60_000,
    },
  ]);
}

const KINDS: PeriodKind[] = ['realtime', 'hour', 'day', 'month', 'quarter', 'year'];

/** Everything the hub stores, as one comparable text: records, values of every kind, alerts, engine marks, outbox, tokens, report files. */
export async function snapshot(hub: TestHub): Promise<string> {
  const s = hub.ctx.storage;
  const records = await s.queryRecords({ fromMs: Date.UTC(2000, 0, 1), toMs: Date.UTC(2100, 0, 1) });
  const values = await Promise.all(KINDS.map((k) => s.queryValues({ period_kind: k })));
  const st = hub.ctx.state;
  return JSON.stringify({
    records,
    values,
    alerts: st.listAlerts({ limit: 100_000 }),
    dirty: st.dirtyPeriods(),
    checkpoints: st.checkpoints(),
    outbox: st.outboxSize(),
    tokens: st.listTokens().map((t) => ({ ...t, last_used_at: null })),
    reportFiles: hub.ctx.config.reports ? readdirSync(hub.ctx.config.reports.dir, { recursive: true }).sort() : [],
  });
}

/** Sends a case's request. */
export async function send(
  hub: TestHub,
  req: HostileRequest,
): Promise<{ status: number; text: string; headers: Headers; body: unknown }> {
  return hub.call(req.method, req.path, {
    ...(req.scope ? { scope: req.scope } : {}),
    ...(req.token ? { token: req.token } : {}),
    ...(req.headers ? { headers: req.headers } : {}),
    ...(req.json !== undefined ? { json: req.json } : {}),
    ...(req.body !== undefined ? { body: typeof req.body === 'string' ? req.body : new Uint8Array(req.body) } : {}),
  });
}

/** Problems with a hostile answer (empty when it was handled): status, JSON error shape, bounded echo, no stack, headers. */
export function judge(
  c: HostileCase,
  a: { status: number; text: string; headers: Headers; body: unknown },
  req: HostileRequest,
): string[] {
  const problems: string[] = [];
  if (a.status !== c.status) problems.push(`status ${a.status}, expected ${c.status}`);
  const type = a.headers.get('content-type') ?? '';
  if (!type.startsWith('application/json')) problems.push(`content-type ${JSON.stringify(type)}`);
  if (c.status >= 400) {
    const err = (a.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    if (!err || typeof err.code !== 'string' || typeof err.message !== 'string')
      problems.push('no { error: { code, message } } body');
    else {
      if (c.code && err.code !== c.code) problems.push(`code ${err.code}, expected ${c.code}`);
      if (err.message.length > 1100) problems.push(`message of ${err.message.length} chars`);
    }
    if (a.text.length > 64 * 1024) problems.push(`answer of ${a.text.length} bytes`);
  }
  if (/\n\s+at |file:\/\/|node_modules|\.ts:\d+/.test(a.text)) problems.push('the answer shows a stack or source path');
  if (c.names && !a.text.includes(c.names)) problems.push(`the answer does not name ${JSON.stringify(c.names)}`);
  if (a.headers.get('x-content-type-options') !== 'nosniff') problems.push('no X-Content-Type-Options: nosniff');
  if (
    (req.scope || req.token || req.path.startsWith('/api/')) &&
    !(a.headers.get('cache-control') ?? '').includes('no-store')
  )
    problems.push('no Cache-Control: no-store');
  return problems.map((p) => `${p}: ${a.text.slice(0, 200)}`);
}
