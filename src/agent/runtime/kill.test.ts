/**
 * @module No loss across SIGKILL: `dims agent` as a child process, scraping a real exporter simulator,
 * killed while the hub holds a request, then restarted. Every interval's record reaches the hub, the
 * keys are contiguous, and a re-sent record changes nothing (the hub dedupes by center + start).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPrometheusSimulator } from '../../simulate/prometheus/simulator.ts';
import type { NodeState, SimDevice } from '../../simulate/device-state.ts';
import { contiguous, startReceiver } from '../testing/receiver.ts';

const MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const node: SimDevice<NodeState> = {
  id: 'node-1',
  kind: 'node',
  read(now) {
    const s = now / 1000;
    return {
      kind: 'node',
      cpuSeconds: [0, 1, 2, 3].map(() => ({ idle: s * 0.25, user: s * 0.7, system: s * 0.05 })),
      cpu: { manufacturer: 'Hygon', model: 'Hygon C86 7285 32-core Processor', cores: 4, vendorId: 'HygonGenuine' },
    };
  },
};

function startAgent(config: string, log: string[]): ChildProcess {
  const child = spawn(process.execPath, [MAIN, 'agent', '--config', config], {
    env: { ...process.env, DIMS_KILL_TOKEN: 'kill-token-987654' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
  return child;
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

test('an agent killed with SIGKILL mid-send and restarted loses no record and duplicates none in effect', async () => {
  const hub = await startReceiver('kill-token-987654');
  const sim = await startPrometheusSimulator({ devices: [node] });
  const dir = mkdtempSync(join(tmpdir(), 'dims-kill-'));
  const config = join(dir, 'agent.yaml');
  writeFileSync(
    config,
    [
      'center: gz-kill',
      'interval: 1s',
      'scrape_interval: 250ms',
      'defaults: { timeout: 150ms }',
      `outbox: { path: ${JSON.stringify(join(dir, 'outbox.sqlite'))} }`,
      `sinks: [{ type: hub, url: ${JSON.stringify(hub.url)}, token: "env:DIMS_KILL_TOKEN", batch: 1 }]`,
      'log_level: warn',
      'targets:',
      `  - { id: node-1, protocol: prometheus, roles: [compute, inventory], config: { url: ${JSON.stringify(sim.url('node-1'))}, ` +
        `profiles: [node_exporter] } }`,
    ].join('\n'),
  );
  const log: string[] = [];
  const children: ChildProcess[] = [];
  try {
    let child = startAgent(config, log);
    children.push(child);
    await until(() => hub.records.size >= 3, 15_000, 'three records before the kill');
    // Hold the next answer and kill the agent while the request is in flight.
    hub.holdMs = 2000;
    const stored = new Promise<void>((resolve) => (hub.onStored = resolve));
    await stored;
    const inFlight = hub.records.size;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    hub.onStored = undefined;
    hub.holdMs = 0;
    // Down for more than an interval: the restarted agent must account for it.
    await sleep(1800);
    child = startAgent(config, log);
    children.push(child);
    await until(() => hub.records.size >= inFlight + 5, 20_000, 'records after the restart');
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await sim.close();
    await hub.close();
  }
  const keys = [...hub.records.keys()];
  const run = contiguous(keys, 1000);
  assert.deepEqual(
    run.gaps.map((g) => new Date(g).toISOString()),
    [],
    `keys not contiguous:\n${keys.sort().join('\n')}\n${log.join('')}`,
  );
  // The record the hub stored but never acknowledged was sent again: delivered twice, stored once.
  assert.ok(
    [...hub.deliveries.values()].some((n) => n === 2),
    `expected one re-sent record: ${JSON.stringify([...hub.deliveries])}`,
  );
  assert.ok([...hub.deliveries.values()].every((n) => n <= 2));
  // Intervals while the agent was down say so: every target missing, no invented numbers.
  const down = [...hub.records.values()].filter((r) => Object.keys(r.metrics).length === 0);
  assert.ok(down.length >= 1, 'expected at least one record for the downtime');
  for (const r of down) assert.deepEqual(r.quality?.targets_missing, ['node-1']);
  // Measured intervals carry CPU usage and inventory from the real exporter protocol.
  const measured = [...hub.records.values()].filter((r) => r.metrics.cpu_core_h_avail !== undefined);
  assert.ok(measured.length >= 3);
  for (const r of measured) {
    // 4 CPUs for 1 s = 4 core-seconds; 75 % busy.
    assert.ok(Math.abs(r.metrics.cpu_core_h_avail! * 3600 - 4) < 0.05, `avail ${r.metrics.cpu_core_h_avail! * 3600}`);
    assert.ok(Math.abs(r.metrics.cpu_core_h_busy! / r.metrics.cpu_core_h_avail! - 0.75) < 0.01);
  }
  assert.ok(
    [...hub.records.values()].some((r) => r.metrics.servers_domestic_cpu === 1 && r.metrics.servers_total === 1),
  );
});
