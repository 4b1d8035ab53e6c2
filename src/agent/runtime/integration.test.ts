/**
 * @module The agent against the fleet simulator: every protocol (Redfish, SNMP, Modbus, Prometheus) over
 * loopback, on an accelerated clock; records agree with the simulation's ground truth.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CenterRecord } from '../../model/records.ts';
import { SimClock } from '../../simulate/clock.ts';
import { generateFleet, localMidnightMs } from '../../simulate/fleet.ts';
import { truthFor } from '../../simulate/ground-truth.ts';
import { serveFleet } from '../../simulate/serve.ts';
import { runAgentInProcess } from './agent.ts';

test('an agent over a simulated center (all four protocols) reports energy, usage and inventory close to ground truth', async () => {
  const fleet = generateFleet({ centers: 1, seed: 11, origin: '2026-03-01' });
  const plan = fleet.plans[0]!;
  const clock = new SimClock({ startMs: localMidnightMs('2026-03-10') + 9 * 3_600_000 + 5_000, factor: 20 });
  const sim = await serveFleet({ fleet, clock });
  const dir = mkdtempSync(join(tmpdir(), 'dims-int-'));
  process.env.DIMS_SIM_BMC_PASSWORD = sim.credentials.password;
  const cfg = sim.agentConfig(plan.center, {
    interval: '2m',
    scrapeInterval: '30s',
    timeout: '20s',
    outboxPath: join(dir, 'o.sqlite'),
    sinks: [{ type: 'jsonl', path: join(dir, 'r.jsonl') }],
  });
  const records: CenterRecord[] = [];
  const logs: string[] = [];
  const agent = await runAgentInProcess(cfg, {
    clock,
    log: (level, msg) => void (level !== 'debug' && logs.push(`${level} ${msg}`)),
    metricsPort: null,
  });
  agent.onRecord((r) => records.push(r));
  try {
    const deadline = Date.now() + 60_000;
    while (records.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  } finally {
    await agent.stop();
    await sim.close();
  }
  assert.ok(records.length >= 4, `only ${records.length} records`);
  const physics = sim.centers.get(plan.center)!.physics;
  // abs: SDM630-class meters carry kWh as FLOAT32, whose resolution at ~1e5 kWh is ~0.01 kWh per reading.
  const close = (name: string, got: number | boolean | undefined, want: number | undefined, rel: number, abs = 0) => {
    assert.equal(typeof got, 'number', `${name} missing`);
    assert.ok(want !== undefined, `${name} has no truth`);
    const err = Math.abs((got as number) - want);
    assert.ok(
      err <= rel * Math.abs(want) + abs,
      `${name}: agent ${got}, truth ${want} (${((err / Math.abs(want)) * 100).toFixed(2)} %)`,
    );
  };
  for (const r of records.slice(2)) {
    const truth = truthFor(physics, Date.parse(r.start), Date.parse(r.end)).metrics;
    // A BMC may miss a round on a loaded machine (deadlines shrink with the clock factor); meters may not.
    assert.ok(
      (r.quality?.targets_missing?.length ?? 0) <= 2,
      `${r.start}: ${JSON.stringify(r.quality)}\n${logs.join('\n')}`,
    );
    // The meters read the center's 1:N model; their FLOAT32 resolution is scaled up with the reading.
    const meterAbs = 0.03 * plan.modelScale;
    close('e_total_kwh', r.metrics.e_total_kwh, truth.e_total_kwh, 0.01, meterAbs);
    close('e_it_kwh', r.metrics.e_it_kwh, truth.e_it_kwh, 0.01, meterAbs);
    close('e_cooling_kwh', r.metrics.e_cooling_kwh, truth.e_cooling_kwh, 0.01, meterAbs);
    close('servers_total', r.metrics.servers_total, truth.servers_total, 0);
    close('accel_total', r.metrics.accel_total, truth.accel_total, 0);
    close('servers_domestic_cpu', r.metrics.servers_domestic_cpu, truth.servers_domestic_cpu, 0);
    close('pf_accel_fp16', r.metrics.pf_accel_fp16, truth.pf_accel_fp16, 1e-6);
    // Readings are stamped mid-collection; at 20x a 100 ms scrape of a 128-CPU exporter is 2 s of
    // simulated time, so per-interval core-hours carry a few percent of stamping error (0.03 % at 1x).
    close('cpu_core_h_avail', r.metrics.cpu_core_h_avail, truth.cpu_core_h_avail, 0.05);
    assert.ok(
      (r.metrics.inlet_temp_c_mean as number) > 10 && (r.metrics.inlet_temp_c_mean as number) < 40,
      `inlet ${r.metrics.inlet_temp_c_mean}`,
    );
    assert.ok(
      (r.metrics.p_total_kw_max as number) * ((Date.parse(r.end) - Date.parse(r.start)) / 3_600_000) >=
        (r.metrics.e_total_kwh as number) * 0.98,
      'peak power below mean power',
    );
  }
});
