/**
 * @module End to end alerting on loopback: hub (real ingest and engine) → real Prometheus scraping the hub's
 * /metrics with the generated rules → real Alertmanager with the generated config → webhook receivers and the
 * hub's alert history. Records of a cooling plant working far too hard at one center (PUE 2.5) must page the province's
 * critical receiver with the right province and center labels, the warning must be inhibited, and clearing the
 * fault must send the resolved notification.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CenterRecord } from '../../src/model/records.ts';
import { startTestHub, telemetry, type TestHub } from '../../src/hub/test-support.ts';
import { createToken } from '../../src/hub/auth/tokens.ts';
import { startAlertingChain, type AlertingChain, type Notification } from '../support/alerting-chain.ts';

let chain: AlertingChain;
let hub: TestHub;
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
    const res = await hub.call('POST', '/api/v1/records', {
      token: agentTokens.get(c.id) as string,
      json: { records },
    });
    assert.ok(res.status < 300, `${res.status} ${res.text}`);
  }
  await hub.ctx.engine.runRealtime(now);
}

const pueAlert = (n: Notification, status: string, severity: string) =>
  n.body.alerts.find(
    (a) =>
      a.labels.alertname === 'DimsPueHigh' &&
      a.labels.center === 'gd-01' &&
      a.labels.severity === severity &&
      a.status === status,
  );

before(
  async () => {
    hub = await startTestHub({ config: { metrics: { auth: 'none' } } });
    // Records arrive as agents send them: one agent token per center.
    for (const c of hub.ctx.registry.centers) agentTokens.set(c.id, createToken(hub.ctx.state, `agent:${c.id}`).token);
    chain = await startAlertingChain({
      hubUrl: hub.url,
      hubToken: hub.tokens.alertmanager as string,
      province: '44',
      prefix: 'gd',
    });
  },
  { timeout: 60_000 },
);

after(async () => {
  await chain?.dispose();
  await hub?.close();
});

test(
  'a cooling failure pages the province critical receiver with province and center, and clearing it resolves',
  { timeout: 120_000 },
  async () => {
    await feed('gd-01', 2.5);
    const firing = await chain.waitFor(
      'the critical PUE alert at gd-pager',
      () => chain.received.find((n) => n.path === '/gd-pager' && pueAlert(n, 'firing', 'critical')),
      45_000,
    );
    const alert = pueAlert(firing, 'firing', 'critical')!;
    assert.equal(alert.labels.province, '44');
    assert.equal(alert.labels.center, 'gd-01');
    assert.equal(alert.labels.level, 'center');
    assert.equal(alert.annotations.summary, '电能利用效率高于严重阈值 1.8:数据中心 gd-01(省 44)当前 2.50');
    assert.match(alert.annotations.dashboard_url ?? '', /var-province=44&var-center=gd-01/);

    // The warning of the same alert and center is inhibited by the critical one.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(
      chain.received.some((n) => pueAlert(n, 'firing', 'warning')),
      false,
      'the warning should be inhibited',
    );

    await feed('gd-01', 1.25);
    const resolved = await chain.waitFor(
      'the resolved notification at gd-pager',
      () => chain.received.find((n) => n.path === '/gd-pager' && pueAlert(n, 'resolved', 'critical')),
      45_000,
    );
    assert.equal(pueAlert(resolved, 'resolved', 'critical')?.labels.center, 'gd-01');

    // Every notification also reached the hub's alert history.
    const history = await chain.waitFor(
      'the hub history',
      () => {
        const rows = hub.ctx.state.listAlerts({ limit: 1000 });
        return rows.some((r) => r.alertname === 'DimsPueHigh' && r.status === 'resolved' && r.labels.center === 'gd-01')
          ? rows
          : undefined;
      },
      20_000,
    );
    assert.ok(history.some((r) => r.alertname === 'DimsPueHigh' && r.status === 'firing' && r.province === '44'));
  },
);

test('the watchdog reaches the dead-man receiver', { timeout: 30_000 }, async () => {
  await chain.waitFor(
    'the watchdog',
    () =>
      chain.received.find((n) => n.path === '/deadman' && n.body.alerts.some((a) => a.labels.alertname === 'Watchdog')),
    20_000,
  );
});
