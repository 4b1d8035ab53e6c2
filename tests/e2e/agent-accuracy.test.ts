/**
 * @module End to end: a simulated intelligent-computing center served over the real protocols, read by the real
 * agent (in-process, on the same accelerated clock) for one simulated day; the agent's records must match the
 * simulator's ground truth within 0.5% for energy and device-hours, and inventory exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SimClock } from '../../src/simulate/clock.ts';
import { generateFleet, localMidnightMs } from '../../src/simulate/fleet.ts';
import { serveFleet } from '../../src/simulate/serve.ts';
import { truthFor } from '../../src/simulate/ground-truth.ts';
import { BMC_PASSWORD_ENV } from '../../src/simulate/agent-config.ts';
import { runAgentInProcess } from '../../src/agent/runtime/agent.ts';
import type { CenterRecord } from '../../src/model/records.ts';
import { mergedQuantile } from '../../src/engine/histogram.ts';

const HOUR = 3_600_000;
/** Simulated seconds per wall second: a day in four minutes (faster starves scrapes on a two-core machine). */
const FACTOR = 360;

test('the agent measures a simulated day within 0.5% of the ground truth', { timeout: 10 * 60_000 }, async () => {
  const dayStart = localMidnightMs('2026-07-14');
  const fleet = generateFleet({ centers: 12, seed: 2026, origin: '2026-07-12' });
  // The smallest center with GPUs or NPUs and node exporters keeps the wall-clock load low.
  const plan = fleet.plans
    .filter((p) => p.counts.dcgm + p.counts.npu > 0 && p.counts.node > 0)
    .sort((a, b) => a.servers.length - b.servers.length)[0];
  assert.ok(plan, 'the fleet has an accelerator center');
  const single = { registry: { centers: fleet.registry.centers.filter((c) => c.id === plan.center) }, plans: [plan] };

  // Start half an hour early so the agent has readings before the first boundary of the day.
  const clock = new SimClock({ startMs: dayStart - HOUR / 2, factor: FACTOR });
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-e2e-'));
  process.env[BMC_PASSWORD_ENV] = 'dims-sim';
  const sim = await serveFleet({ fleet: single, clock });
  const records: CenterRecord[] = [];
  let agent: Awaited<ReturnType<typeof runAgentInProcess>> | undefined;
  try {
    const config = sim.agentConfig(plan.center, {
      interval: '30m',
      scrapeInterval: '5m',
      timeout: '4m',
      outboxPath: path.join(dir, 'outbox.sqlite'),
      sinks: [{ type: 'jsonl', path: path.join(dir, 'records.jsonl') }],
    });
    agent = await runAgentInProcess(
      { ...config, log_level: 'error' },
      { clock, metricsPort: null, log: () => undefined },
    );
    agent.onRecord((r) => records.push(r));
    await clock.until(dayStart + 24 * HOUR + 15 * 60_000);
  } finally {
    await agent?.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const day = records.filter((r) => Date.parse(r.start) >= dayStart && Date.parse(r.end) <= dayStart + 24 * HOUR);
  assert.equal(day.length, 48, `records of the day: ${day.length} (${records.map((r) => r.start).join(', ')})`);
  const physics = sim.centers.get(plan.center)!.physics;
  const truth = truthFor(physics, dayStart, dayStart + 24 * HOUR).metrics;
  const truthOf = new Map(day.map((r) => [r.start, truthFor(physics, Date.parse(r.start), Date.parse(r.end)).metrics]));

  // Accuracy of what the agent reports: over the records that carry a metric, their sum against the truth of
  // the same intervals. Completeness separately: a record may lack a metric when a target missed the interval
  // (the agent never reports a partial sum), but not more than 2 of the day's 48.
  const within = (metric: string, tolerance: number) => {
    const carrying = day.filter((r) => (r.metrics as Record<string, number | undefined>)[metric] !== undefined);
    const lacking = day.filter((r) => !carrying.includes(r));
    assert.ok(
      lacking.length <= 2,
      `${metric}: missing in ${lacking.length} records, e.g. ${JSON.stringify(lacking[0]?.quality)}`,
    );
    const got = carrying.reduce((s, r) => s + (r.metrics as Record<string, number>)[metric]!, 0);
    const want = carrying.reduce((s, r) => s + truthOf.get(r.start)![metric]!, 0);
    assert.ok(
      Math.abs(got - want) <= tolerance * Math.abs(want),
      `${metric}: agent ${got} vs truth ${want} (${(((got - want) / want) * 100).toFixed(3)}%) over ${carrying.length} records`,
    );
  };
  for (const m of [
    'e_total_kwh',
    'e_it_kwh',
    'e_cooling_kwh',
    'cpu_core_h_avail',
    'cpu_core_h_busy',
    'accel_dev_h_avail',
    'accel_dev_h_busy',
    'accel_dev_h_alloc',
    'accel_dev_h_sched',
    'traffic_in_tb',
    'traffic_out_tb',
  ])
    within(m, 0.005);
  assert.ok(truth.accel_dev_h_sched! > 0, 'the center runs platform-dispatched jobs');

  // Latency: the probes counted per class match the prober's within 0.5%, and the day's p95 within 2%.
  for (const id of ['lat_city_hist', 'lat_region_hist', 'lat_hub_hist']) {
    const carrying = day.filter((r) => r.histograms?.[id] !== undefined);
    assert.ok(carrying.length >= 46, `${id}: in ${carrying.length} of 48 records`);
    const sum = (hs: Array<{ counts: number[] }>) =>
      hs.reduce((acc, h) => acc.map((c, k) => c + h.counts[k]!), new Array<number>(hs[0]!.counts.length).fill(0));
    const got = sum(carrying.map((r) => r.histograms![id]!));
    const want = sum(carrying.map((r) => truthFor(physics, Date.parse(r.start), Date.parse(r.end)).histograms![id]!));
    const total = (c: number[]) => c.reduce((a, b) => a + b, 0);
    assert.ok(
      Math.abs(total(got) - total(want)) <= 0.005 * total(want),
      `${id}: ${total(got)} probes vs ${total(want)}`,
    );
    const bounds = carrying[0]!.histograms![id]!.bounds;
    const [p, q] = [mergedQuantile(bounds, got, 0.95)!, mergedQuantile(bounds, want, 0.95)!];
    assert.ok(Math.abs(p - q) <= 0.02 * q, `${id}: p95 ${p} ms vs ${q} ms`);
  }
  if (truth.e_green_direct_kwh! > 0) within('e_green_direct_kwh', 0.005);

  const last = day[day.length - 1]!.metrics as Record<string, number>;
  for (const m of ['servers_total', 'servers_domestic_cpu', 'accel_total', 'accel_domestic'])
    assert.equal(last[m], truth[m], m);
  for (const m of ['pf_general_fp32', 'pf_accel_fp16', 'pf_accel_fp32', 'pf_domestic_fp16'])
    assert.ok(Math.abs(last[m]! - truth[m]!) < 1e-5, `${m}: ${last[m]} vs ${truth[m]}`);
});
