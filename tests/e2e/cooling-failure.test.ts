/**
 * @module End to end over every real component: simulated devices (Redfish, SNMP, Modbus, exporters) → one agent
 * per center → hub → real Prometheus (generated rules) → real Alertmanager (generated routing) → webhooks and
 * the hub's alert history. A cooling failure injected at one simulated center heats its servers' inlets: the
 * critical ASHRAE inlet alert must reach that province's pager with the right province and center, and
 * clearing the failure must send the resolved notification.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateFleet } from '../../src/simulate/fleet.ts';
import { serveFleet, type Simulation } from '../../src/simulate/serve.ts';
import { BMC_PASSWORD_ENV } from '../../src/simulate/agent-config.ts';
import { runAgentInProcess, type RunningAgent } from '../../src/agent/runtime/agent.ts';
import { loadChipTable } from '../../src/agent/chips/classify.ts';
import { indexRegistry } from '../../src/registry/load.ts';
import { startTestHub, type TestHub } from '../../src/hub/test-support.ts';
import { createToken } from '../../src/hub/auth/tokens.ts';
import { startAlertingChain, type AlertingChain, type Notification } from '../support/alerting-chain.ts';

const agents: RunningAgent[] = [];
let chain: AlertingChain;
let sim: Simulation;
let hub: TestHub;
let dir: string;
let sick: { id: string; province: string };

const inletAlert = (n: Notification, status: string) =>
  n.body.alerts.find(
    (a) =>
      a.labels.alertname === 'DimsInletTemperatureOutOfRange' &&
      a.labels.severity === 'critical' &&
      a.labels.center === sick.id &&
      a.status === status,
  );

before(
  async () => {
    const now = Date.now();
    const day = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
    const fleet = generateFleet({ centers: 2, seed: 21, asOf: day(now), origin: day(now - 86_400_000) });
    sick = { id: fleet.registry.centers[0]!.id, province: fleet.registry.centers[0]!.province };
    process.env[BMC_PASSWORD_ENV] ??= 'dims-sim';
    sim = await serveFleet({ fleet });
    hub = await startTestHub({
      registry: indexRegistry(fleet.registry.centers),
      config: { metrics: { auth: 'none' } },
    });
    dir = mkdtempSync(path.join(tmpdir(), 'dims-cooling-'));
    const chips = loadChipTable();
    for (const c of fleet.registry.centers) {
      const env = `DIMS_E2E_TOKEN_${c.id.replace(/\W/g, '_')}`;
      process.env[env] = createToken(hub.ctx.state, `agent:${c.id}`).token;
      const config = sim.agentConfig(c.id, {
        interval: '5s',
        scrapeInterval: '5s',
        outboxPath: path.join(dir, `${c.id}.sqlite`),
        sinks: [{ type: 'hub', url: hub.url, token: `env:${env}` }],
      });
      agents.push(
        await runAgentInProcess({ ...config, log_level: 'error' }, { chips, metricsPort: null, log: () => undefined }),
      );
    }

    chain = await startAlertingChain({
      hubUrl: hub.url,
      hubToken: hub.tokens.alertmanager as string,
      province: sick.province,
      prefix: 'province',
    });
  },
  { timeout: 90_000 },
);

after(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await chain?.dispose();
  await hub?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test(
  'a cooling failure in a simulated center pages its province with province and center, and clearing it resolves',
  { timeout: 240_000 },
  async () => {
    // Healthy first: inlet readings flow from the BMCs through the agents to the hub's /metrics.
    const metric = async () => {
      const text = await (await fetch(`${hub.url}/metrics`)).text();
      const m = new RegExp(
        `dims_center_inlet_temperature_celsius\\{province="${sick.province}",center="${sick.id}",stat="max"\\} ([0-9.]+)`,
      ).exec(text);
      return m ? Number(m[1]) : undefined;
    };
    const before = await chain.waitFor('inlet readings at the hub', metric, 60_000);
    assert.ok(before < 32, `healthy inlet ${before} °C should be below the A1 allowable 32 °C`);
    assert.equal(
      chain.received.some((n) => inletAlert(n, 'firing')),
      false,
    );

    sim.setCoolingFailure(sick.id, true);
    const firing = await chain.waitFor(
      'the critical inlet alert at the province pager',
      () => chain.received.find((n) => n.path === '/province-pager' && inletAlert(n, 'firing')),
      150_000,
    );
    const alert = inletAlert(firing, 'firing')!;
    assert.equal(alert.labels.province, sick.province);
    assert.equal(alert.labels.center, sick.id);
    assert.equal(alert.labels.level, 'center');
    assert.ok((await metric())! > 32);

    sim.setCoolingFailure(sick.id, false);
    const resolved = await chain.waitFor(
      'the resolved notification',
      () => chain.received.find((n) => n.path === '/province-pager' && inletAlert(n, 'resolved')),
      60_000,
    );
    assert.equal(inletAlert(resolved, 'resolved')!.labels.center, sick.id);
    const history = hub.ctx.state.listAlerts({ limit: 1000 });
    assert.ok(
      history.some(
        (r) => r.alertname === 'DimsInletTemperatureOutOfRange' && r.labels.center === sick.id && r.status === 'firing',
      ),
      'the hub keeps the alert history',
    );
  },
);
