/**
 * @module The national demo in one process: a simulated fleet serving its devices over the real protocols,
 * one agent per center, a national hub on the embedded store (or InfluxDB), and the web console.
 *
 * Order: fleet → protocol servers → hub → tokens → backfill of past weeks from the model → closes of the
 * backfilled periods → live agents → the hub's schedule. `close()` stops everything in reverse.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { generateFleet } from '../simulate/fleet.ts';
import { serveFleet, type Simulation } from '../simulate/serve.ts';
import { BMC_PASSWORD_ENV } from '../simulate/agent-config.ts';
import { parseConfig } from '../hub/config.ts';
import { startHub, type RunningHub } from '../hub/server.ts';
import { createToken } from '../hub/auth/tokens.ts';
import { runAgentInProcess, type RunningAgent } from '../agent/runtime/agent.ts';
import { loadChipTable } from '../agent/chips/classify.ts';
import { periodName, periodWindow, shiftPeriod, type PeriodKindName } from '../engine/periods.ts';
import { defaultCatalog } from '../catalog/load.ts';
import { backfill } from './backfill.ts';
import type { DemoOptions } from './options.ts';

export interface RunningDemo {
  url: string;
  consoleUrl: string;
  dataDir: string;
  tokens: { nation: string; province: { code: string; token: string }; admin: string };
  hub: RunningHub;
  sim: Simulation;
  agents: RunningAgent[];
  close(): Promise<void>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Starts the whole demo; `log` receives progress lines. */
export async function startDemo(o: DemoOptions, log: (s: string) => void): Promise<RunningDemo> {
  const dataDir = path.resolve(o.data_dir);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(path.join(dataDir, 'outbox'), { recursive: true });
  const nowMs = Date.now();
  const liveFrom = Math.floor(nowMs / HOUR) * HOUR;
  // Default: back to the first day of last month (Asia/Shanghai), so last month closes with full data.
  const lastMonth = periodWindow('month', shiftPeriod('month', periodName('month', nowMs), -1));
  const backfillFrom = o.backfill_days === undefined ? lastMonth.fromMs : liveFrom - o.backfill_days * DAY;
  const backfillDays = Math.round((liveFrom - backfillFrom) / DAY);
  const day = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 10);

  log(`fleet: ${o.centers} centers over 31 provinces (seed ${o.seed})`);
  // Counters start the day before the backfill so every reading in the demo is defined.
  const fleet = generateFleet({ centers: o.centers, seed: o.seed, asOf: day(nowMs), origin: day(backfillFrom - DAY) });
  process.env[BMC_PASSWORD_ENV] ??= 'dims-sim';
  const sim = await serveFleet({ fleet });
  log(
    `simulator: Redfish ${sim.endpoints.redfishUrl('').replace(/\/bmc\/$/, '')}, SNMP udp ${sim.snmp.port}, ` +
      `Modbus tcp ${sim.modbus.map((m) => m.port).join(',')}, exporters ${sim.prometheus.port}`,
  );

  const registryFile = path.join(dataDir, 'registry.yaml');
  writeFileSync(registryFile, stringify(fleet.registry));
  const hubFile = path.join(dataDir, 'hub.yaml');
  const hubConfig = {
    registry: 'registry.yaml',
    listen: { host: '127.0.0.1', port: o.port },
    state_db: 'hub-state.db',
    // Raw records are kept at least as long as the backfill reaches back (the hub refuses older telemetry).
    storage: {
      ...(o.storage ?? { kind: 'sqlite', path: 'hub-data.db' }),
      retention: { raw: `${Math.max(35, backfillDays + 2)}d`, ...(o.storage?.retention ?? {}) },
    },
    engine: { max_catch_up: 2000 },
    metrics: { auth: o.prometheus ? 'none' : 'token' },
  };
  writeFileSync(hubFile, stringify(hubConfig));
  const hub = await startHub(parseConfig(hubConfig, hubFile, dataDir), {
    scheduler: false,
    log: (level, message) => level !== 'info' && log(`hub ${level}: ${message}`),
  });
  const state = hub.ctx.state;
  const province =
    fleet.registry.centers.find((c) => c.province === '52')?.province ?? fleet.registry.centers[0]!.province;
  const tokens = {
    nation: createToken(state, 'nation', 'demo national monitoring center').token,
    province: {
      code: province,
      token: createToken(state, `province:${province}`, `demo provincial bureau ${province}`).token,
    },
    admin: createToken(state, 'admin', 'demo admin').token,
  };
  const agentTokens = new Map(
    fleet.registry.centers.map((c) => [c.id, createToken(state, `agent:${c.id}`, `demo agent ${c.id}`).token]),
  );
  writeFileSync(
    path.join(dataDir, 'tokens.json'),
    `${JSON.stringify({ ...tokens, agents: Object.fromEntries(agentTokens) }, null, 2)}\n`,
    { mode: 0o600 },
  );

  if (backfillFrom < liveFrom) {
    log(
      `backfill: ${backfillDays} days of hourly records from the simulator's model (${day(backfillFrom)} … ${day(liveFrom)})`,
    );
    const n = await backfill({
      hubUrl: hub.url,
      tokens: agentTokens,
      centers: sim.centers,
      fromMs: backfillFrom,
      toMs: liveFrom,
      seed: o.seed,
      log,
    });
    log(`backfill: ${n} records accepted; computing the closed periods`);
    // Close every backfilled day, month, quarter and year, and the last two days' hours.
    const tz = hub.ctx.config.timezone;
    const starts: Record<PeriodKindName, number> = {
      hour: liveFrom - 2 * DAY,
      day: backfillFrom,
      month: backfillFrom,
      quarter: backfillFrom,
      year: backfillFrom,
    };
    for (const kind of hub.ctx.config.engine.kinds)
      state.setCheckpoint(kind, shiftPeriod(kind, periodName(kind, starts[kind], tz), -1, tz), Date.now());
    const t = performance.now();
    const r = await hub.scheduler.closeDue();
    log(`engine: ${r.closed.length} periods closed in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }

  const chips = loadChipTable();
  const agents: RunningAgent[] = [];
  for (const c of fleet.registry.centers) {
    const config = sim.agentConfig(c.id, {
      interval: o.interval,
      scrapeInterval: o.scrape_interval,
      outboxPath: path.join(dataDir, 'outbox', `${c.id}.sqlite`),
      sinks: [{ type: 'hub', url: hub.url, token: `env:DIMS_DEMO_AGENT_TOKEN_${c.id.replace(/[^A-Za-z0-9]/g, '_')}` }],
    });
    process.env[`DIMS_DEMO_AGENT_TOKEN_${c.id.replace(/[^A-Za-z0-9]/g, '_')}`] = agentTokens.get(c.id)!;
    agents.push(
      await runAgentInProcess(
        { ...config, log_level: 'error' },
        { chips, metricsPort: null, log: (level, message) => level === 'error' && log(`agent ${c.id}: ${message}`) },
      ),
    );
  }
  log(`agents: ${agents.length} running (records every ${o.interval}, devices read every ${o.scrape_interval})`);
  hub.scheduler.start();

  // Dashboards and alert rules come from the generators the CLI uses (loaded only when asked for).
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

  let closing: Promise<void> | undefined;
  return {
    url: hub.url,
    consoleUrl: `${hub.url}/console/`,
    dataDir,
    tokens,
    hub,
    sim,
    agents,
    close() {
      closing ??= (async () => {
        await Promise.all(agents.map((a) => a.stop()));
        await hub.close();
        await sim.close();
      })();
      return closing;
    },
  };
}
