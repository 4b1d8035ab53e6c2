/**
 * @module Test harness: the real dims pipeline on loopback. The fleet simulator serves a few centers over
 * their real protocols; one agent per center scrapes them and pushes records to a hub (HTTP, agent token);
 * the hub stores them in a real InfluxDB and runs the indicator engine; agents and hub expose /metrics.
 *
 *   const p = await startPipeline({ centers: 3 });
 *   await p.waitForRecords(2);   // every center has sent at least two records
 *   await p.runEngine();         // realtime window at the simulated "now": values to InfluxDB and /metrics
 *   p.hub.url, p.agentMetricsUrls, p.influx.url, p.database
 *   await p.close();
 *
 * Time: a SimClock runs `factor` times faster than the wall clock from a fixed simulated start, and the hub
 * reads the same clock, so records, values and windows agree. Stored times are simulated times.
 *
 * History (`history: true`): before that, the same simulator and agents run for an hour of simulated time a
 * year earlier, for the centers already in service then, so year-on-year indicators have their base.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimClock } from '../../src/simulate/clock.ts';
import { generateFleet, localMidnightMs, type Fleet } from '../../src/simulate/fleet.ts';
import { serveFleet, type Simulation } from '../../src/simulate/serve.ts';
import { runAgentInProcess, type RunningAgent } from '../../src/agent/runtime/agent.ts';
import { indexRegistry } from '../../src/registry/load.ts';
import { openStorage } from '../../src/storage/open.ts';
import { createToken } from '../../src/hub/auth/tokens.ts';
import { startTestHub, type TestHub } from '../../src/hub/test-support.ts';
import { startInfluxd, type InfluxdHandle } from './influxd.ts';

export interface PipelineOptions {
  centers?: number;
  seed?: number;
  /** Simulated seconds per wall second (default 30). */
  factor?: number;
  /** Agent record interval in simulated time (default 2m). */
  recordInterval?: string;
  /** First run the centers in service a year before the start for an hour around the same time of day. */
  history?: boolean;
}

export interface Pipeline {
  fleet: Fleet;
  clock: SimClock;
  sim: Simulation;
  influx: InfluxdHandle;
  database: string;
  hub: TestHub;
  agents: RunningAgent[];
  /** host:port of each agent's /metrics. */
  agentMetricsTargets: string[];
  /** Simulated time the run started at (ms). */
  startMs: number;
  waitForRecords(perCenter: number, timeoutMs?: number): Promise<void>;
  runEngine(): Promise<void>;
  close(): Promise<void>;
}

export async function startPipeline(o: PipelineOptions = {}): Promise<Pipeline> {
  const database = 'dims_pipeline';
  const fleet = generateFleet({
    centers: o.centers ?? 3,
    seed: o.seed ?? 7,
    origin: o.history ? '2025-03-01' : '2026-03-01',
  });
  const startMs = localMidnightMs('2026-03-10') + 10 * 3_600_000;
  const yearAgoMs = localMidnightMs('2025-03-10') + 10 * 3_600_000;
  const clock = new SimClock({ startMs, factor: o.factor ?? 30 });
  const dir = mkdtempSync(join(tmpdir(), 'dims-pipeline-'));
  const influx = await startInfluxd({ database });
  // Simulated times lie months before the wall clock (and the year-ago hour more than 400 days): keep everything.
  const storage = await openStorage({
    kind: 'influxdb',
    url: influx.url,
    database,
    retention: { raw: 'INF', recent: 'INF', realtime: 'INF' },
  });
  const hub = await startTestHub({
    storage,
    registry: indexRegistry(fleet.registry.centers),
    config: { metrics: { auth: 'none' } },
    now: () => clock.now(),
  });
  for (const plan of fleet.plans)
    writeFileSync(join(dir, `${plan.center}.token`), createToken(hub.ctx.state, `agent:${plan.center}`).token);
  const counts = new Map<string, number>();
  /** One agent per center of `plans`, reading `sim` on `clk` and pushing to the hub. */
  const startAgents = async (
    sim: Simulation,
    clk: SimClock,
    plans: Fleet['plans'],
    phase: string,
    agents: RunningAgent[],
    interval: string,
    timeout: string,
  ) => {
    process.env.DIMS_SIM_BMC_PASSWORD = sim.credentials.password;
    for (const plan of plans) {
      const cfg = sim.agentConfig(plan.center, {
        interval,
        scrapeInterval: '30s',
        timeout,
        outboxPath: join(dir, `${plan.center}.${phase}.outbox.sqlite`),
        sinks: [{ type: 'hub', url: hub.url, token: `file:${join(dir, `${plan.center}.token`)}`, batch: 100 }],
      });
      const agent = await runAgentInProcess(cfg, {
        clock: clk,
        log: () => {},
        metricsPort: 0,
        sendRetry: { minMs: 100, maxMs: 1000 },
      });
      if (phase === 'now') agent.onRecord(() => counts.set(plan.center, (counts.get(plan.center) ?? 0) + 1));
      agents.push(agent);
    }
  };
  const agents: RunningAgent[] = [];
  let sim: Simulation | undefined;
  try {
    if (o.history) await runHistory();
    sim = await serveFleet({ fleet, clock });
    await startAgents(sim, clock, fleet.plans, 'now', agents, o.recordInterval ?? '2m', '20s');
  } catch (err) {
    for (const a of agents) await a.stop();
    await sim?.close();
    await hub.close();
    await influx.dispose();
    throw err;
  }

  /** The year-ago hour: its own clock, simulator and agents, stopped once the hub holds their records. */
  async function runHistory(): Promise<void> {
    const asOf = new Date(yearAgoMs).toISOString().slice(0, 10);
    const inService = fleet.plans.filter(
      (p) => fleet.registry.centers.find((c) => c.id === p.center)!.commission_date! <= asOf,
    );
    const from = yearAgoMs - 20 * 60_000;
    const until = yearAgoMs + 40 * 60_000;
    // Faster than the main run: an hour passes in half a minute. Scrape deadlines scale with it.
    const clk = new SimClock({ startMs: from, factor: 120 });
    const hsim = await serveFleet({ fleet: { registry: fleet.registry, plans: inService }, clock: clk });
    const hagents: RunningAgent[] = [];
    try {
      await startAgents(hsim, clk, inService, 'history', hagents, '5m', '20s');
      await clk.until(until);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const recs = await storage.queryRecords({ fromMs: from, toMs: until, source: 'telemetry' });
        const per = new Map<string, number>();
        for (const r of recs) per.set(r.center, (per.get(r.center) ?? 0) + 1);
        if (inService.every((p) => (per.get(p.center) ?? 0) >= 8)) break;
        if (Date.now() > deadline)
          throw new Error(`year-ago records did not reach the hub: ${JSON.stringify([...per])}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      for (const a of hagents) await a.stop();
      await hsim.close();
    }
  }
  return {
    fleet,
    clock,
    sim: sim!,
    influx,
    database,
    hub,
    agents,
    startMs,
    agentMetricsTargets: agents.map((a) => `127.0.0.1:${a.metricsPort}`),
    async waitForRecords(perCenter, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      const stored = async () => {
        const recs = await storage.queryRecords({
          fromMs: startMs - 3_600_000,
          toMs: clock.now() + 3_600_000,
          source: 'telemetry',
        });
        const per = new Map<string, number>();
        for (const r of recs) per.set(r.center, (per.get(r.center) ?? 0) + 1);
        return fleet.plans.every((p) => (per.get(p.center) ?? 0) >= perCenter);
      };
      while (Date.now() < deadline) {
        if (await stored()) return;
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error(`records did not reach the hub in time: built per center ${JSON.stringify([...counts])}`);
    },
    async runEngine() {
      await hub.ctx.engine.runRealtime(clock.now());
    },
    async close() {
      for (const a of agents) await a.stop();
      await sim!.close();
      await hub.close();
      await influx.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
