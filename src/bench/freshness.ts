/**
 * @module End-to-end freshness: how long from a change at a device to the national value that reflects it,
 * in scrape intervals. Simulator (real protocols) → agents → hub (real ingest and engine) → rolling window.
 *
 * The change is a load step at one center's facility meter (as when a chiller plant starts): the meter's
 * power rises and its energy counter climbs faster from that instant. The national electricity in the
 * hub's rolling window reflects it once the first interval after the step has been collected, sent and
 * evaluated. Time runs accelerated (the same simulated clock drives devices, agents and the hub), and the
 * figure is in simulated scrape intervals.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateFleet } from '../simulate/fleet.ts';
import { serveFleet } from '../simulate/serve.ts';
import { SimClock } from '../simulate/clock.ts';
import { BMC_PASSWORD_ENV } from '../simulate/agent-config.ts';
import type { MeterState, SimDevice } from '../simulate/device-state.ts';
import { runAgentInProcess, type RunningAgent } from '../agent/runtime/agent.ts';
import { loadChipTable } from '../agent/chips/classify.ts';
import { startTestHub } from '../hub/test-support.ts';
import { createToken } from '../hub/auth/tokens.ts';
import { indexRegistry } from '../registry/load.ts';
import { median, type BenchResult } from './table.ts';

export interface FreshnessOptions {
  centers?: number;
  trials?: number;
  /** Simulated seconds per real second. */
  factor?: number;
  log?: (s: string) => void;
}

const INTERVAL_S = 60;

/** Adds `extraW` of load to a meter from `fromMs` on: power steps up, the energy counter integrates it. */
function addLoad(meter: SimDevice<MeterState>, extraW: () => number, since: () => number): void {
  const read = meter.read.bind(meter);
  meter.read = (ms: number) => {
    const s = read(ms);
    const w = extraW();
    if (w === 0 || ms < since()) return s;
    const extraKwh = (w * (ms - since())) / 3_600_000_000;
    const per = w / 3;
    return {
      ...s,
      totalPowerWatts: s.totalPowerWatts + w,
      phasePowerWatts: [s.phasePowerWatts[0] + per, s.phasePowerWatts[1] + per, s.phasePowerWatts[2] + per],
      importKwh: s.importKwh + extraKwh,
    };
  };
}

export async function measureFreshness(o: FreshnessOptions = {}): Promise<{ intervals: number[]; intervalS: number }> {
  const log = o.log ?? (() => {});
  const factor = o.factor ?? 10;
  const trials = o.trials ?? 3;
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-fresh-'));
  const nowMs = Date.now();
  const day = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
  const fleet = generateFleet({ centers: o.centers ?? 3, seed: 11, asOf: day(nowMs), origin: day(nowMs - 86_400_000) });
  // Start at an interval boundary so the first records are whole.
  const clock = new SimClock({ factor, startMs: Math.ceil(nowMs / 60_000) * 60_000 });
  process.env[BMC_PASSWORD_ENV] ??= 'dims-sim';
  const sim = await serveFleet({ fleet, clock });
  const hub = await startTestHub({
    registry: indexRegistry(fleet.registry.centers),
    config: { engine: { refresh_on_ingest_ms: Math.max(50, Math.round(2000 / factor)) } },
    now: () => clock.now(),
  });
  const agents: RunningAgent[] = [];
  const chips = loadChipTable();
  let extraW = 0;
  let stepAt = Infinity;
  try {
    const target = fleet.plans[0]!;
    const meterId = target.meters.find((m) => m.role === 'facility')!.id;
    addLoad(
      sim.centers.get(target.center)!.byId.get(meterId) as SimDevice<MeterState>,
      () => extraW,
      () => stepAt,
    );
    for (const c of fleet.registry.centers) {
      const token = createToken(hub.ctx.state, `agent:${c.id}`).token;
      const env = `DIMS_FRESH_TOKEN_${c.id.replace(/\W/g, '_')}`;
      process.env[env] = token;
      const config = sim.agentConfig(c.id, {
        interval: `${INTERVAL_S}s`,
        scrapeInterval: `${INTERVAL_S}s`,
        outboxPath: path.join(dir, `${c.id}.sqlite`),
        sinks: [{ type: 'hub', url: hub.url, token: `env:${env}` }],
      });
      agents.push(
        await runAgentInProcess(
          { ...config, log_level: 'error', spread: 0.05 },
          { clock, chips, metricsPort: null, log: () => undefined },
        ),
      );
    }
    const n = fleet.registry.centers.length;
    // The national electricity of the rolling window, only when every center contributed to it: a value
    // missing one center's interval would swing by more than the step and fake a detection.
    const electricity = (): { kwh: number; toMs: number } | null => {
      const rt = hub.ctx.engine.latestRealtime;
      const v = rt?.values.find((x) => x.level === 'nation' && x.indicator === 'electricity_gwh');
      return rt && v && v.centers === n && v.numerator !== null ? { kwh: v.numerator, toMs: rt.window.toMs } : null;
    };
    // Steady state: a few intervals so every agent has counters to difference.
    await clock.until(clock.now() + 4 * INTERVAL_S * 1000);
    const results: number[] = [];
    for (let trial = 0; trial < trials; trial++) {
      const facilityKw =
        (sim.centers.get(target.center)!.byId.get(meterId)!.read(clock.now()) as MeterState).totalPowerWatts / 1000;
      // A step at a spread of phases within the interval.
      const phase = (0.15 + 0.7 * ((trial * 0.37) % 1)) * INTERVAL_S * 1000;
      await clock.until(Math.ceil(clock.now() / 60_000) * 60_000 + phase);
      stepAt = clock.now();
      // The step doubles the center's facility load; detection needs half of one interval of it.
      extraW = facilityKw * 1000;
      const expectKwh = (facilityKw * INTERVAL_S) / 3600;
      // Baseline: the newest window that ends before the step, taken as late as possible, so every
      // center's last interval before the step has arrived. A window can only reflect the step once it
      // ends after it.
      let before: number | undefined;
      let seenAt: number | undefined;
      while (clock.now() - stepAt < 6 * INTERVAL_S * 1000) {
        await new Promise((r) => setTimeout(r, 20));
        const e = electricity();
        if (e === null) continue;
        if (e.toMs <= stepAt) before = e.kwh;
        else if (before !== undefined && e.kwh - before > 0.5 * expectKwh) {
          seenAt = clock.now();
          break;
        }
      }
      const intervals = seenAt === undefined ? Infinity : (seenAt - stepAt) / (INTERVAL_S * 1000);
      log(
        `freshness trial ${trial + 1}/${trials}: step at +${(phase / 1000).toFixed(0)} s into the interval, national ` +
          `value reflected it after ${intervals.toFixed(2)} intervals`,
      );
      results.push(intervals);
      // Remove the step and let the window settle before the next trial.
      extraW = 0;
      stepAt = Infinity;
      await clock.until(clock.now() + (hub.ctx.config.engine.realtime_minutes + 2) * 60_000);
    }
    return { intervals: results, intervalS: INTERVAL_S };
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
    await hub.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `dims bench freshness`. */
export async function benchFreshness(o: FreshnessOptions = {}): Promise<BenchResult> {
  const { intervals, intervalS } = await measureFreshness(o);
  const worst = Math.max(...intervals);
  return {
    name: 'freshness',
    description: `device change → national value, ${intervals.length} trials, ${intervalS} s scrape and record interval, accelerated clock`,
    figures: [
      {
        metric: `time from a device change to the national value (median of ${intervals.length})`,
        value: median(intervals),
        unit: 'scrape intervals',
        goal: '≤ 2',
        met: median(intervals) <= 2,
      },
      { metric: 'worst trial', value: worst, unit: 'scrape intervals', goal: '≤ 2', met: worst <= 2 },
    ],
  };
}
