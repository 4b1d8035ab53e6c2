/**
 * @module End to end over every real component: simulated devices (Redfish, SNMP, Modbus, exporters) → one agent
 * per center → hub → real Prometheus (generated rules) → real Alertmanager (generated routing) → webhooks and
 * the hub's alert history. A cooling failure injected at one simulated center heats its servers' inlets: the
 * critical ASHRAE inlet alert must reach that province's pager with the right province and center, and
 * clearing the failure must send the resolved notification.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultCatalog } from '../../src/catalog/load.ts';
import { generateFleet } from '../../src/simulate/fleet.ts';
import { serveFleet, type Simulation } from '../../src/simulate/serve.ts';
import { BMC_PASSWORD_ENV } from '../../src/simulate/agent-config.ts';
import { runAgentInProcess, type RunningAgent } from '../../src/agent/runtime/agent.ts';
import { loadChipTable } from '../../src/agent/chips/classify.ts';
import { indexRegistry } from '../../src/registry/load.ts';
import { startTestHub, type TestHub } from '../../src/hub/test-support.ts';
import { createToken } from '../../src/hub/auth/tokens.ts';
import { parseRouting } from '../../grafana/rules/alertmanager.ts';
import { writeRulesTree } from '../../grafana/rules/build.ts';
import { startAlertmanager, startPrometheus, type PrometheusHandle, type ServerHandle } from '../support/prometheus.ts';

interface Notification {
  path: string;
  body: { status: string; alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string> }> };
}

const received: Notification[] = [];
const agents: RunningAgent[] = [];
let receiver: Server;
let sim: Simulation;
let hub: TestHub;
let prom: PrometheusHandle;
let am: ServerHandle;
let dir: string;
let sick: { id: string; province: string };

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}; received: ${JSON.stringify(received.map((n) => [n.path, n.body.status, n.body.alerts.map((a) => `${a.labels.alertname}/${a.labels.severity}/${a.labels.center}/${a.status}`)]))}`);
}

const inletAlert = (n: Notification, status: string) => n.body.alerts.find((a) => a.labels.alertname === 'DimsInletTemperatureOutOfRange' && a.labels.severity === 'critical' && a.labels.center === sick.id && a.status === status);

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

  const now = Date.now();
  const day = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
  const fleet = generateFleet({ centers: 2, seed: 21, asOf: day(now), origin: day(now - 86_400_000) });
  sick = { id: fleet.registry.centers[0]!.id, province: fleet.registry.centers[0]!.province };
  process.env[BMC_PASSWORD_ENV] ??= 'dims-sim';
  sim = await serveFleet({ fleet });
  hub = await startTestHub({ registry: indexRegistry(fleet.registry.centers), config: { metrics: { auth: 'none' } } });
  dir = mkdtempSync(path.join(tmpdir(), 'dims-cooling-'));
  const chips = loadChipTable();
  for (const c of fleet.registry.centers) {
    const env = `DIMS_E2E_TOKEN_${c.id.replace(/\W/g, '_')}`;
    process.env[env] = createToken(hub.ctx.state, `agent:${c.id}`).token;
    const config = sim.agentConfig(c.id, { interval: '5s', scrapeInterval: '5s', outboxPath: path.join(dir, `${c.id}.sqlite`), sinks: [{ type: 'hub', url: hub.url, token: `env:${env}` }] });
    agents.push(await runAgentInProcess({ ...config, log_level: 'error' }, { chips, metricsPort: null, log: () => undefined }));
  }

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
      { name: 'province-oncall', webhook: [{ url: `${hook}/province-oncall` }] },
      { name: 'province-pager', webhook: [{ url: `${hook}/province-pager` }] },
    ],
    provinces: [{ codes: [sick.province], receiver: 'province-oncall', critical_receiver: 'province-pager' }],
  });
  // `for:` shortened to 2 s and rules evaluated every second so the test takes seconds, not minutes.
  writeRulesTree(defaultCatalog(), dir, { routing, interval: '1s', forOverride: '2s' });
  am = await startAlertmanager({ config: readFileSync(path.join(dir, 'alertmanager/alertmanager.yml'), 'utf8') });
  prom = await startPrometheus({ scrape: [{ job: 'dims-hub', target: hub.url.replace('http://', '') }], ruleFiles: [path.join(dir, 'prometheus/dims-alerts.yml')], alertmanager: am.url });
  await prom.waitForTargetsUp();
}, { timeout: 90_000 });

after(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await prom?.dispose();
  await am?.dispose();
  await hub?.close();
  await sim?.close();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a cooling failure in a simulated center pages its province with province and center, and clearing it resolves', { timeout: 240_000 }, async () => {
  // Healthy first: inlet readings flow from the BMCs through the agents to the hub's /metrics.
  const metric = async () => {
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    const m = new RegExp(`dims_center_inlet_temperature_celsius\\{province="${sick.province}",center="${sick.id}",stat="max"\\} ([0-9.]+)`).exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const before = await waitFor('inlet readings at the hub', metric, 60_000);
  assert.ok(before < 32, `healthy inlet ${before} °C should be below the A1 allowable 32 °C`);
  assert.equal(received.some((n) => inletAlert(n, 'firing')), false);

  sim.setCoolingFailure(sick.id, true);
  const firing = await waitFor('the critical inlet alert at the province pager', () => received.find((n) => n.path === '/province-pager' && inletAlert(n, 'firing')), 150_000);
  const alert = inletAlert(firing, 'firing')!;
  assert.equal(alert.labels.province, sick.province);
  assert.equal(alert.labels.center, sick.id);
  assert.equal(alert.labels.level, 'center');
  assert.ok((await metric())! > 32);

  sim.setCoolingFailure(sick.id, false);
  const resolved = await waitFor('the resolved notification', () => received.find((n) => n.path === '/province-pager' && inletAlert(n, 'resolved')), 60_000);
  assert.equal(inletAlert(resolved, 'resolved')!.labels.center, sick.id);
  const history = hub.ctx.state.listAlerts({ limit: 1000 });
  assert.ok(history.some((r) => r.alertname === 'DimsInletTemperatureOutOfRange' && r.labels.center === sick.id && r.status === 'firing'), 'the hub keeps the alert history');
});
