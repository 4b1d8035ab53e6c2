/**
 * @module The national demo in one process: a simulated fleet serving its devices over the real protocols,
 * one agent per center, a national hub on the embedded store (or InfluxDB), the web console, and — when installed —
 * a real Prometheus and Alertmanager on the hub, with a cooling fault a few minutes in.
 *
 * Order: clock → fleet → protocol servers → hub → tokens → alerting → hourly backfill from the model up to the
 * last hour boundary 15 minutes or more before now → closes of those periods → live agents → backfill of the rest up to the instant each agent
 * takes over (and closes of what ended meanwhile) → the hub's schedule → the fault scenario.
 * Everything runs on one clock (`now`, default the wall clock). `close()` stops everything in reverse.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { generateFleet, type Fleet, type FleetOptions } from '../simulate/fleet.ts';
import { serveFleet, type Simulation } from '../simulate/serve.ts';
import type { CenterDevices } from '../simulate/devices.ts';
import type { Center } from '../model/centers.ts';
import { SimClock } from '../simulate/clock.ts';
import { BMC_PASSWORD_ENV } from '../simulate/agent-config.ts';
import { parseConfig } from '../hub/config.ts';
import { startHub, type RunningHub } from '../hub/server.ts';
import { createToken } from '../hub/auth/tokens.ts';
import { runAgentInProcess, type RunningAgent } from '../agent/runtime/agent.ts';
import { loadChipTable } from '../agent/chips/classify.ts';
import { durationMs } from '../agent/config/durations.ts';
import { defaultCatalog } from '../catalog/load.ts';
import { periodName, periodWindow, shiftPeriod, type PeriodKindName } from '../model/periods.ts';
import { backfill, filings, lastHourBefore, telemetryBackfill } from './backfill.ts';
import { missingAlerting, startAlerting, type Alerting } from './alerting.ts';
import { scheduleFault, type FaultScenario } from './fault.ts';
import { demoInstant, type DemoOptions } from './options.ts';
import { Progress, type Reporter } from './progress.ts';

export interface DemoTokens {
  nation: string;
  province: { code: string; token: string };
  admin: string;
}

export interface RunningDemo {
  url: string;
  consoleUrl: string;
  dataDir: string;
  tokens: DemoTokens;
  hub: RunningHub;
  sim: Simulation;
  agents: RunningAgent[];
  /** Prometheus and Alertmanager, when installed. */
  alerting: Alerting | undefined;
  fault: FaultScenario | undefined;
  /** The demo's clock: the simulator, agents and hub all read it. */
  clock: SimClock;
  close(): Promise<void>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Local date (Asia/Shanghai) of an instant. */
const localDay = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 10);
const localTime = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 19).replace('T', ' ');

/** Where the backfill starts and the fleet the demo simulates, for a start at `nowMs` (tests rebuild the fleet). */
export function demoPlan(o: DemoOptions, nowMs: number): { backfillFrom: number; fleet: FleetOptions } {
  const hourStart = Math.floor(nowMs / HOUR) * HOUR;
  // Default: back to the first day of last month (Asia/Shanghai), so last month closes with full data.
  const lastMonth = periodWindow('month', shiftPeriod('month', periodName('month', nowMs), -1));
  const backfillFrom = o.backfill_days === undefined ? lastMonth.fromMs : hourStart - o.backfill_days * DAY;
  // Counters start the day before the backfill so every reading in the demo is defined.
  const fleet = { centers: o.centers, seed: o.seed, asOf: localDay(nowMs), origin: localDay(backfillFrom - DAY) };
  return { backfillFrom, fleet };
}

async function startSimulation(fleet: Fleet, clock: SimClock, log: (s: string) => void): Promise<Simulation> {
  process.env[BMC_PASSWORD_ENV] ??= 'dims-sim';
  const sim = await serveFleet({ fleet, clock });
  const modbus = sim.modbus.map((m) => m.port).join(',');
  const redfish = sim.endpoints.redfishUrl('').replace(/\/bmc\/$/, '');
  log(
    `simulator: Redfish ${redfish}, SNMP udp ${sim.snmp.port}, Modbus tcp ${modbus}, exporters ${sim.prometheus.port}`,
  );
  return sim;
}

async function startDemoHub(
  o: DemoOptions,
  dataDir: string,
  fleet: Fleet,
  clock: SimClock,
  backfillFrom: number,
  log: (s: string) => void,
): Promise<RunningHub> {
  const backfillDays = Math.ceil((clock.now() - backfillFrom) / DAY);
  writeFileSync(path.join(dataDir, 'registry.yaml'), stringify(fleet.registry));
  const hubFile = path.join(dataDir, 'hub.yaml');
  const hubConfig = {
    registry: 'registry.yaml',
    listen: { host: '127.0.0.1', port: o.port },
    state_db: 'hub-state.db',
    runbooks_dir: 'alerting/runbooks',
    // Raw records are kept at least as long as the backfill reaches back (the hub refuses older telemetry).
    storage: {
      ...(o.storage ?? { kind: 'sqlite', path: 'hub-data.db' }),
      retention: { raw: `${Math.max(35, backfillDays + 2)}d`, ...(o.storage?.retention ?? {}) },
    },
    // Live values follow new records within 15 s (and every minute): a real-time run for every agent's push
    // would keep the one process the demo is busy.
    engine: { max_catch_up: 2000, refresh_on_ingest_ms: 15_000 },
    metrics: { auth: o.prometheus ? 'none' : 'token' },
  };
  writeFileSync(hubFile, stringify(hubConfig));
  return startHub(parseConfig(hubConfig, hubFile, dataDir), {
    scheduler: false,
    now: clock.fn,
    log: (level, message) => level !== 'info' && log(`hub ${level}: ${message}`),
  });
}

function issueTokens(
  hub: RunningHub,
  fleet: Fleet,
  dataDir: string,
): { demo: DemoTokens; agents: Map<string, string> } {
  const state = hub.ctx.state;
  const centers = fleet.registry.centers;
  const province = centers.find((c) => c.province === '52')?.province ?? centers[0]!.province;
  const demo: DemoTokens = {
    nation: createToken(state, 'nation', 'demo national monitoring center').token,
    province: {
      code: province,
      token: createToken(state, `province:${province}`, `demo provincial bureau ${province}`).token,
    },
    admin: createToken(state, 'admin', 'demo admin').token,
  };
  const agents = new Map(centers.map((c) => [c.id, createToken(state, `agent:${c.id}`, `demo agent ${c.id}`).token]));
  writeFileSync(
    path.join(dataDir, 'tokens.json'),
    `${JSON.stringify({ ...demo, agents: Object.fromEntries(agents) }, null, 2)}\n`,
    { mode: 0o600 },
  );
  return { demo, agents };
}

/** Prometheus and Alertmanager on the hub when they are installed; one line saying what is missing otherwise. */
async function startDemoAlerting(
  o: DemoOptions,
  hub: RunningHub,
  dataDir: string,
  clock: SimClock,
  log: (s: string) => void,
): Promise<Alerting | undefined> {
  if (!o.alerts) return undefined;
  const missing = missingAlerting();
  if (missing) {
    log(missing.line);
    return undefined;
  }
  // Prometheus judges "records stopped arriving" by its own wall clock: a demo clock in the past would page for all.
  if (clock.now() < Date.now() - 5 * 60_000) {
    log(`alerts: off — the demo's clock is behind the wall clock, and Prometheus compares record times with its own`);
    return undefined;
  }
  const intervalMs = durationMs(o.interval);
  const evalS = Math.min(15, Math.max(5, Math.round(intervalMs / 2000)));
  const alerting = await startAlerting({
    dir: path.join(dataDir, 'alerting'),
    hubUrl: hub.url,
    metricsToken: createToken(hub.ctx.state, 'nation', 'demo prometheus').token,
    alertsToken: createToken(hub.ctx.state, 'alertmanager', 'demo alertmanager').token,
    interval: `${evalS}s`,
    // An inlet reading above its limit, read again one record later, fires (production waits 5–10 minutes).
    forOverride: `${Math.round(intervalMs / 1000)}s`,
    runbookBase: `${hub.url}/runbooks`,
  });
  log(
    `alerts: Prometheus ${alerting.prometheusUrl} (rules every ${evalS}s), Alertmanager ${alerting.alertmanagerUrl} → hub alert history`,
  );
  return alerting;
}

async function startAgents(
  o: DemoOptions,
  sim: Simulation,
  hub: RunningHub,
  tokens: Map<string, string>,
  dataDir: string,
  out: Reporter,
): Promise<RunningAgent[]> {
  const chips = loadChipTable();
  const centers = sim.fleet.registry.centers;
  const progress = new Progress('agents', centers.length, 'started', out);
  const agents: RunningAgent[] = [];
  for (const c of centers) {
    const env = `DIMS_DEMO_AGENT_TOKEN_${c.id.replace(/[^A-Za-z0-9]/g, '_')}`;
    process.env[env] = tokens.get(c.id)!;
    const config = sim.agentConfig(c.id, {
      interval: o.interval,
      scrapeInterval: o.scrape_interval,
      outboxPath: path.join(dataDir, 'outbox', `${c.id}.sqlite`),
      sinks: [{ type: 'hub', url: hub.url, token: `env:${env}` }],
    });
    agents.push(
      await runAgentInProcess(
        { ...config, log_level: 'error' },
        {
          chips,
          clock: sim.clock,
          firstRecord: 'whole',
          metricsPort: null,
          log: (level, message) => level === 'error' && out.log(`agent ${c.id}: ${message}`),
        },
      ),
    );
    progress.update(agents.length);
  }
  const first = Math.min(...agents.map((a) => a.firstRecordStart));
  progress.finish(
    `${agents.length} running (records every ${o.interval}, devices read every ${o.scrape_interval}); first live records from ${localTime(first)}`,
  );
  return agents;
}

/** Points each kind's checkpoint just before `fromMs` and counts the periods due at `closeAtMs`. */
function periodsToClose(
  hub: RunningHub,
  fromMs: number,
  closeAtMs: number,
): Array<{ kind: PeriodKindName; n: number }> {
  const tz = hub.ctx.config.timezone;
  const out: Array<{ kind: PeriodKindName; n: number }> = [];
  for (const kind of hub.ctx.config.engine.kinds) {
    // Every backfilled day, month, quarter and year, and the hours of the last 24.
    const start = kind === 'hour' ? Math.max(fromMs, closeAtMs - DAY) : fromMs;
    const first = periodName(kind, start, tz);
    const cp = hub.ctx.state.checkpoint(kind);
    if (cp === undefined) hub.ctx.state.setCheckpoint(kind, shiftPeriod(kind, first, -1, tz), hub.ctx.now());
    const from = cp === undefined ? first : shiftPeriod(kind, cp, 1, tz);
    const last = hub.scheduler.latestClosed(kind, closeAtMs);
    let n = 0;
    for (let p = from; p <= last; p = shiftPeriod(kind, p, 1, tz)) n++;
    out.push({ kind, n });
  }
  return out;
}

/**
 * Closes every period the backfill covers whole up to `untilMs`. Closing at `untilMs` plus the close delay takes in
 * a period that ended a moment before it: nothing later changes it (live records start at `untilMs`).
 */
async function closeBackfilledPeriods(hub: RunningHub, fromMs: number, untilMs: number, out: Reporter): Promise<void> {
  const closeAt = untilMs + hub.ctx.config.engine.close_delay_minutes * 60_000;
  const plan = periodsToClose(hub, fromMs, closeAt);
  const total = plan.reduce((n, p) => n + p.n, 0);
  if (total === 0) return;
  const progress = new Progress('engine', total, 'periods closed', out);
  let done = 0;
  await hub.scheduler.closeDue(closeAt, (kind, period) => progress.update(++done, `${kind} ${period}`));
  const kinds = plan.filter((p) => p.n > 0).map((p) => `${p.n} ${p.kind}`);
  progress.finish(`${done} periods closed (${kinds.join(', ')})`);
}

/** The registry entry of a simulated center. */
function entryOf(sim: Simulation, d: CenterDevices): Center {
  return sim.fleet.registry.centers.find((c) => c.id === d.plan.center)!;
}

interface BackfillPlan {
  fromMs: number;
  /** Hourly records end here: the last hour boundary 15 minutes or more before now. */
  hourlyUntil: number;
  intervalMs: number;
  seed: number;
}

/** History from the model in whole hours up to `hourlyUntil`, pushed and closed while nothing else runs. */
async function backfillHours(
  hub: RunningHub,
  sim: Simulation,
  tokens: Map<string, string>,
  span: BackfillPlan,
  out: Reporter,
): Promise<void> {
  const { fromMs, hourlyUntil, intervalMs, seed } = span;
  if (fromMs >= hourlyUntil) return;
  out.log(`backfill: ${localTime(fromMs)} … ${localTime(hourlyUntil)} in hourly records from the simulator's model`);
  const progress = new Progress('backfill', sim.centers.size, 'centers', out);
  const n = await backfill({
    hubUrl: hub.url,
    tokens,
    centers: sim.centers,
    recordsOf: (d) => [
      ...telemetryBackfill(d, { fromMs, toMs: hourlyUntil, hourlyUntil, intervalMs }),
      ...filings(d, entryOf(sim, d), seed, fromMs, hourlyUntil),
    ],
    progress,
  });
  progress.finish(`${n.toLocaleString('en-US')} records accepted`);
  await closeBackfilledPeriods(hub, fromMs, hourlyUntil, out);
}

/** The model's records from the hourly ones up to each agent's first record, and the closes of what ended meanwhile. */
async function backfillToAgents(
  hub: RunningHub,
  sim: Simulation,
  tokens: Map<string, string>,
  span: BackfillPlan,
  agents: RunningAgent[],
  interval: string,
  out: Reporter,
): Promise<void> {
  const takeover = new Map(agents.map((a) => [a.config.center, a.firstRecordStart]));
  const first = Math.min(...takeover.values());
  const { fromMs, hourlyUntil, intervalMs, seed } = span;
  const n = await backfill({
    hubUrl: hub.url,
    tokens,
    centers: sim.centers,
    recordsOf: (d) => {
      const toMs = takeover.get(d.plan.center)!;
      return [
        ...telemetryBackfill(d, { fromMs: hourlyUntil, toMs, hourlyUntil, intervalMs }),
        ...filings(d, entryOf(sim, d), seed, fromMs, toMs, hourlyUntil),
      ];
    },
  });
  out.log(
    `backfill: ${localTime(hourlyUntil)} … ${localTime(first)} in ${interval} records up to the agents' first (${n.toLocaleString('en-US')} records)`,
  );
  await closeBackfilledPeriods(hub, fromMs, first, out);
}

/** Resolves once every agent's outbox is empty (records built so far are at the hub), or after `timeoutMs`. */
async function delivered(agents: RunningAgent[], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (agents.some((a) => a.outbox.stats().depth > 0) && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 200));
}

/** Starts the whole demo; `out` receives progress. */
export async function startDemo(o: DemoOptions, out: Reporter): Promise<RunningDemo> {
  const log = (s: string) => out.log(s);
  const dataDir = path.resolve(o.data_dir);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(path.join(dataDir, 'outbox'), { recursive: true });
  const clock = new SimClock(o.now === undefined ? {} : { startMs: demoInstant(o.now) });
  const nowMs = clock.now();
  if (o.now !== undefined) log(`clock: the demo runs from ${localTime(nowMs)} (Asia/Shanghai), not the wall clock`);
  const { backfillFrom, fleet: fleetOptions } = demoPlan(o, nowMs);

  log(`fleet: ${o.centers} centers over 31 provinces (seed ${o.seed})`);
  const fleet = generateFleet(fleetOptions);
  const sim = await startSimulation(fleet, clock, log);
  const hub = await startDemoHub(o, dataDir, fleet, clock, backfillFrom, log);
  const tokens = issueTokens(hub, fleet, dataDir);
  const stops: Array<() => Promise<void>> = [() => sim.close(), () => hub.close()];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const alerting = await startDemoAlerting(o, hub, dataDir, clock, log);
    if (alerting) stops.push(() => alerting.stop());
    const span: BackfillPlan = {
      fromMs: backfillFrom,
      hourlyUntil: Math.max(backfillFrom, lastHourBefore(nowMs)),
      intervalMs: durationMs(o.interval),
      seed: o.seed,
    };
    await backfillHours(hub, sim, tokens.agents, span, out);
    const agents = await startAgents(o, sim, hub, tokens.agents, dataDir, out);
    stops.push(async () => void (await Promise.all(agents.map((a) => a.stop()))));
    await backfillToAgents(hub, sim, tokens.agents, span, agents, o.interval, out);
    // The live window is there from the first page view, with what the agents sent while the hub was busy; then
    // the schedule runs on the demo's clock.
    await delivered(agents, 30_000);
    await hub.scheduler.minute();
    hub.scheduler.start();

    const fault = o.fault_after === '0s' ? undefined : scheduleFault(o, sim, clock, log);
    if (fault) stops.push(async () => fault.cancel());
    await writeExtras(o, log);

    let closing: Promise<void> | undefined;
    return {
      url: hub.url,
      consoleUrl: `${hub.url}/console/`,
      dataDir,
      tokens: tokens.demo,
      hub,
      sim,
      agents,
      alerting,
      fault,
      clock,
      close: () => (closing ??= stopAll()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The Grafana provisioning tree and the alerting rules tree, when asked for (generators loaded only then). */
async function writeExtras(o: DemoOptions, log: (s: string) => void): Promise<void> {
  if (o.grafana_out) {
    const { writeGrafanaTree } = await import('../../grafana/build.ts');
    const out = writeGrafanaTree(defaultCatalog(), path.resolve(o.grafana_out));
    log(`grafana: ${out.files.length} files in ${o.grafana_out}`);
  }
  if (o.rules_out) {
    const { writeRulesTree } = await import('../../alerting/build.ts');
    const { loadRouting, SAMPLE_ROUTING } = await import('../../alerting/alertmanager.ts');
    const out = writeRulesTree(defaultCatalog(), path.resolve(o.rules_out), { routing: loadRouting(SAMPLE_ROUTING) });
    log(`alert rules: ${out.files.length} files in ${o.rules_out}`);
  }
}
