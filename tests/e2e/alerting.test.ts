/**
 * @module End to end alerting on loopback: hub (real ingest and engine) → real Prometheus scraping the hub's
 * /metrics with the generated rules → real Alertmanager with the generated config → webhook receivers and the
 * hub's alert history. A cooling failure at one center (cooling energy soars, PUE 2.5) must page the province's
 * critical receiver with the right province and center labels, the warning must be inhibited, and clearing the
 * fault must send the resolved notification.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultCatalog } from '../../src/catalog/load.ts';
import type { CenterRecord } from '../../src/engine/types.ts';
import { startTestHub, telemetry, type TestHub } from '../../src/hub/test-support.ts';
import { createToken } from '../../src/hub/auth/tokens.ts';
import { parseRouting } from '../../grafana/rules/alertmanager.ts';
import { writeRulesTree } from '../../grafana/rules/build.ts';
import { startAlertmanager, startPrometheus, type PrometheusHandle, type ServerHandle } from '../support/prometheus.ts';

interface Notification {
  path: string;
  body: { status: string; alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string> }> };
}

const catalog = defaultCatalog();
const received: Notification[] = [];
let receiver: Server;
let hub: TestHub;
let prom: PrometheusHandle;
let am: ServerHandle;
let dir: string;
const agentTokens = new Map<string, string>();

/** A record whose cooling plant works `factor` times harder than normal: PUE = total / IT. */
function record(center: string, startMs: number, pue: number): CenterRecord {
  const r = telemetry(center, startMs);
  const it = r.metrics.e_it_kwh as number;
  const other = (r.metrics.e_total_kwh as number) - it - (r.metrics.e_cooling_kwh as number);
  return { ...r, metrics: { ...r.metrics, e_total_kwh: it * pue, e_cooling_kwh: it * pue - it - other } };
}

/** Posts the last 15 one-minute records of every center, `sick` with the given PUE, then runs the real-time engine. */
async function feed(sick: string, pue: number): Promise<void> {
  const now = Date.now();
  const start = Math.floor(now / 60_000) * 60_000 - 15 * 60_000;
  for (const c of hub.ctx.registry.centers) {
    const records = Array.from({ length: 15 }, (_, i) => record(c.id, start + i * 60_000, c.id === sick ? pue : 1.25));
    const res = await hub.call('POST', '/api/v1/records', { token: agentTokens.get(c.id) as string, json: { records } });
    assert.ok(res.status < 300, `${res.status} ${res.text}`);
  }
  await hub.ctx.engine.runRealtime(now);
}

async function waitFor<T>(what: string, fn: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}; received: ${JSON.stringify(received.map((n) => [n.path, n.body.status, n.body.alerts.map((a) => `${a.labels.alertname}/${a.labels.severity}/${a.labels.center}/${a.status}`)]))}`);
}

const pueAlert = (n: Notification, status: string, severity: string) => n.body.alerts.find((a) => a.labels.alertname === 'DimsPueHigh' && a.labels.center === 'gd-01' && a.labels.severity === severity && a.status === status);

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body) as Notification['body'] });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  hub = await startTestHub({ config: { metrics: { auth: 'none' } } });
  // Records arrive as agents send them: one agent token per center.
  for (const c of hub.ctx.registry.centers) agentTokens.set(c.id, createToken(hub.ctx.state, `agent:${c.id}`).token);
  dir = mkdtempSync(path.join(tmpdir(), 'dims-alerting-'));
  const tokenFile = path.join(dir, 'hub.token');
  writeFileSync(tokenFile, hub.tokens.alertmanager as string);
  const routing = parseRouting({
    default_receiver: 'national-desk',
    watchdog_receiver: 'deadman',
    group_wait: '1s', group_interval: '2s', repeat_interval: { critical: '1h', warning: '1h' },
    hub_history: { url: `${hub.url}/api/v1/alerts`, bearer_token_file: tokenFile },
    receivers: [
      { name: 'national-desk', webhook: [{ url: `${hook}/national` }] },
      { name: 'deadman', webhook: [{ url: `${hook}/deadman` }] },
      { name: 'gd-oncall', webhook: [{ url: `${hook}/gd-oncall` }] },
      { name: 'gd-pager', webhook: [{ url: `${hook}/gd-pager` }] },
    ],
    provinces: [{ codes: ['44'], receiver: 'gd-oncall', critical_receiver: 'gd-pager' }],
  });
  // `for:` shortened to 2 s and rules evaluated every second, so the test is bounded in seconds, not minutes.
  writeRulesTree(catalog, dir, { routing, interval: '1s', forOverride: '2s' });
  am = await startAlertmanager({ config: readFileSync(path.join(dir, 'alertmanager/alertmanager.yml'), 'utf8') });
  prom = await startPrometheus({ scrape: [{ job: 'dims-hub', target: hub.url.replace('http://', '') }], ruleFiles: [path.join(dir, 'prometheus/dims-alerts.yml')], alertmanager: am.url });
  await prom.waitForTargetsUp();
}, { timeout: 60_000 });

after(async () => {
  await prom?.dispose();
  await am?.dispose();
  await hub?.close();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a cooling failure pages the province critical receiver with province and center, and clearing it resolves', { timeout: 120_000 }, async () => {
  await feed('gd-01', 2.5);
  const firing = await waitFor('the critical PUE alert at gd-pager', () => received.find((n) => n.path === '/gd-pager' && pueAlert(n, 'firing', 'critical')), 45_000);
  const alert = pueAlert(firing, 'firing', 'critical')!;
  assert.equal(alert.labels.province, '44');
  assert.equal(alert.labels.center, 'gd-01');
  assert.equal(alert.labels.level, 'center');
  assert.equal(alert.annotations.summary, '电能利用效率高于严重阈值 1.8:数据中心 gd-01(省 44)当前 2.50');
  assert.match(alert.annotations.dashboard_url ?? '', /var-province=44&var-center=gd-01/);

  // The warning of the same alert and center is inhibited by the critical one.
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(received.some((n) => pueAlert(n, 'firing', 'warning')), false, 'the warning should be inhibited');

  await feed('gd-01', 1.25);
  const resolved = await waitFor('the resolved notification at gd-pager', () => received.find((n) => n.path === '/gd-pager' && pueAlert(n, 'resolved', 'critical')), 45_000);
  assert.equal(pueAlert(resolved, 'resolved', 'critical')?.labels.center, 'gd-01');

  // Every notification also reached the hub's alert history.
  const history = await waitFor('the hub history', () => {
    const rows = hub.ctx.state.listAlerts({ limit: 1000 });
    return rows.some((r) => r.alertname === 'DimsPueHigh' && r.status === 'resolved' && r.labels.center === 'gd-01') ? rows : undefined;
  }, 20_000);
  assert.ok(history.some((r) => r.alertname === 'DimsPueHigh' && r.status === 'firing' && r.province === '44'));
});

test('the watchdog reaches the dead-man receiver', { timeout: 30_000 }, async () => {
  await waitFor('the watchdog', () => received.find((n) => n.path === '/deadman' && n.body.alerts.some((a) => a.labels.alertname === 'Watchdog')), 20_000);
});
