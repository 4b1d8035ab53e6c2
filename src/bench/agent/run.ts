/**
 * @module `dims bench agent`: the real agent collecting a simulated center (Redfish BMCs, SNMP PDUs/UPSs,
 * Modbus devices, exporters) at a fixed interval, beside Prometheus and snmp_exporter reading the same
 * exporters and SNMP devices in the same run.
 *
 * Processes: this one orchestrates and drives snmp_exporter; one child serves every simulator; one child
 * per phase runs the agent; Prometheus and snmp_exporter are the Debian binaries. Every process's CPU is
 * read from /proc/<pid>/stat over the same window of whole scrape rounds, so no process pays for another.
 *
 * Phases: (1) exporters only, our agent and Prometheus side by side; (2) SNMP only, our agent and
 * snmp_exporter side by side (each pair in a window of its own); (3) the named center, 3,200 targets;
 * (4) 5,000 targets (the named center ×1.5625) at the goal's 60 s interval, where "at most one core"
 * is the CPU of one cycle divided by the interval.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchFigure, BenchResult } from '../table.ts';
import type { FromChild, RoundStats, ToChild } from './agent-child.ts';
import {
  goalCenter,
  NAMED_CENTER,
  scaleCenter,
  sizeKey,
  totalTargets,
  type CenterEndpoints,
  type CenterSize,
} from './fleet.ts';
import { availableParallelism } from 'node:os';
import { cpuSeconds, machineBusySeconds, peakRssMiB } from '../proc.ts';
import type { FromSimHost, ToSimHost } from './sim-host.ts';
import { prometheusScrapes, startPrometheus, startSnmpExporter } from './tools.ts';
import { WalkDriver } from './walk-driver.ts';
import { agentHeapFlags, agentProcessEnv } from '../../agent/runtime/heap.ts';

export interface AgentBenchOptions {
  log?: (s: string) => void;
  quick?: boolean;
}

/** Spread of target starts over the interval: the agent's default, used for every tool alike. */
const SPREAD = 0.2;
/** The interval the 5,000-target goal is stated for. */
const GOAL_INTERVAL_MS = 60_000;
/** Exporter scrapes: the agent's CPU per 1,000 at most this fraction of Prometheus' in the same run (issue #17). */
const EXPORTER_CPU_GOAL = 0.8;
/** Peak memory of the agent at 5,000 targets (issue #17). */
const GOAL_PEAK_MIB = 256;
/** snmp walk settings shared by our collector (its defaults) and snmp_exporter. */
const WALK = { maxRepetitions: 10, timeoutMs: 2000, retries: 1 };

interface Phase {
  intervalMs: number;
  /** Measured rounds. */
  rounds: number;
  /** Warm-up rounds at most (fewer when a round reads every target sooner). */
  warmup: number;
  /**
   * Warm-up rounds at least. Side by side this keeps Prometheus' start-up out of the window: its first
   * scrapes create every series in its head block, later ones only append, as in steady operation.
   */
  minWarmup?: number;
}

interface Plan {
  /** Exporters and SNMP devices for the side-by-side phases. */
  sideBySide: Phase & { prometheus: number; snmp: number };
  named: Phase & { size: CenterSize };
  goal?: Phase & { size: CenterSize };
}

/**
 * Intervals: the side-by-side phases use 10 s (both sides alike; CPU per scrape does not depend on it);
 * the named center runs at 30 s and the 5,000 targets at the goal's 60 s, which with warm-up keeps the
 * whole benchmark near five minutes.
 */
function plan(quick: boolean): Plan {
  if (quick) {
    const size = scaleCenter(NAMED_CENTER, 0.25);
    return {
      sideBySide: {
        prometheus: size.prometheus,
        snmp: size.snmp,
        intervalMs: 5000,
        rounds: 3,
        warmup: 5,
        minWarmup: 3,
      },
      named: { size, intervalMs: 10_000, rounds: 2, warmup: 2 },
    };
  }
  return {
    sideBySide: {
      prometheus: NAMED_CENTER.prometheus,
      snmp: NAMED_CENTER.snmp,
      intervalMs: 10_000,
      // Six rounds (3,000 scrapes a side): over three, Prometheus' own figure ranged 1.0–1.6 CPU s per 1,000.
      rounds: 6,
      warmup: 5,
      minWarmup: 3,
    },
    named: { size: NAMED_CENTER, intervalMs: 30_000, rounds: 2, warmup: 1 },
    goal: { size: goalCenter(), intervalMs: GOAL_INTERVAL_MS, rounds: 1, warmup: 1 },
  };
}

// --- child processes -----------------------------------------------------------------------------

interface Child<In, Out extends { type: string }> {
  proc: ChildProcess;
  ask<T extends Out['type']>(msg: In, reply: T, timeoutMs?: number): Promise<Extract<Out, { type: T }>>;
  kill(): Promise<void>;
}

function forkChild<In, Out extends { type: string; message?: string }>(
  file: string,
  logFile: string,
  execArgv: string[] = [],
): Child<In, Out> {
  const fd = openSync(logFile, 'a');
  const proc = fork(path.join(import.meta.dirname, file), [], {
    stdio: ['ignore', fd, fd, 'ipc'],
    execArgv: [...process.execArgv, ...execArgv],
    // Agents run as `dims agent` runs them: with Node's compile cache (which its first phase fills) and two
    // malloc arenas.
    env: agentProcessEnv(process.env),
  });
  closeSync(fd);
  let exited = false;
  const exit = new Promise<void>((resolve) => proc.once('exit', () => ((exited = true), resolve())));
  return {
    proc,
    ask(msg, reply, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => done(new Error(`${file}: no ${reply} within ${timeoutMs} ms; see ${logFile}`)),
          timeoutMs,
        );
        const onMsg = (m: Out) => {
          if (m.type === reply) done(undefined, m);
          else if (m.type === 'error') done(new Error(`${file}: ${m.message}`));
        };
        const onExit = () => done(new Error(`${file} exited; see ${logFile}`));
        const done = (err?: Error, m?: Out) => {
          clearTimeout(timer);
          proc.off('message', onMsg);
          proc.off('exit', onExit);
          if (err) reject(err);
          else resolve(m as Extract<Out, { type: typeof reply }>);
        };
        proc.on('message', onMsg);
        proc.once('exit', onExit);
        proc.send(msg as object);
      });
    },
    async kill() {
      if (exited) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(t);
    },
  };
}

type AgentChild = Child<ToChild, FromChild>;

function agentConfig(
  dir: string,
  name: string,
  targets: Array<Record<string, unknown>>,
  intervalMs: number,
  rounds: number,
): Record<string, unknown> {
  return {
    center: 'bench',
    // A record closes every `rounds` rounds, so the measured window pays for building exactly one.
    interval: `${intervalMs * rounds}ms`,
    scrape_interval: `${intervalMs}ms`,
    spread: SPREAD,
    outbox: { path: path.join(dir, `${name}-outbox.sqlite`) },
    sinks: [{ type: 'jsonl', path: path.join(dir, `${name}-records.jsonl`) }],
    log_level: 'warn',
    targets,
  };
}

async function startAgent(
  dir: string,
  name: string,
  center: CenterEndpoints,
  targets: Array<Record<string, unknown>>,
  intervalMs: number,
  rounds: number,
): Promise<AgentChild> {
  // The V8 limits `dims agent` gives itself for this many targets: the agent is measured as it runs at a center.
  const child = forkChild<ToChild, FromChild>(
    'agent-child.ts',
    path.join(dir, `${name}-agent.log`),
    agentHeapFlags(targets.length),
  );
  try {
    await child.ask(
      {
        type: 'start',
        config: agentConfig(dir, name, targets, intervalMs, rounds),
        env: { [center.bmcPasswordEnv]: center.bmcPassword },
      },
      'started',
    );
  } catch (err) {
    await child.kill();
    throw err;
  }
  return child;
}

async function stopAgent(child: AgentChild): Promise<void> {
  try {
    await child.ask({ type: 'stop' }, 'stopped', 30_000);
  } finally {
    await child.kill();
  }
}

// --- measuring -----------------------------------------------------------------------------------

const sleepUntil = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));

/** Nearest-rank percentile. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** A window of whole scrape rounds: [from, to) boundaries, and the CPU of each process across it. */
interface Window {
  from: number;
  to: number;
  t0: number;
  t1: number;
  cpu: Map<number, number>;
  /** Average busy cores of the whole machine across the window (ours and everything else running). */
  machineCores: number;
}

/**
 * Lets rounds run until one completes with every target read (`warm(boundary)`), at most `phase.warmup`
 * (the first rounds pay for connections, sessions, Redfish discovery and JIT), then reads every pid's CPU
 * just before the next boundary and `phase.rounds` intervals later.
 */
async function measure(
  phase: Phase,
  pids: number[],
  warm: (round: number) => Promise<boolean>,
): Promise<Window & { warmup: number }> {
  const { intervalMs: I, rounds } = phase;
  let b = Math.floor(Date.now() / I) * I + I;
  let warmup = 0;
  for (;;) {
    await sleepUntil(b + I - 150);
    warmup++;
    if ((warmup >= (phase.minWarmup ?? 1) && (await warm(b))) || warmup >= phase.warmup) break;
    b += I;
  }
  const from = b + I;
  const to = from + rounds * I;
  // A round's collections start at its boundary or later: a reading 100 ms before it belongs to the round before.
  await sleepUntil(from - 100);
  const before = new Map(pids.map((p) => [p, cpuSeconds(p)]));
  const busy0 = machineBusySeconds();
  const t0 = Date.now();
  await sleepUntil(to - 100);
  const cpu = new Map(pids.map((p) => [p, cpuSeconds(p) - before.get(p)!]));
  const t1 = Date.now();
  return { from, to, t0, t1, cpu, warmup, machineCores: (machineBusySeconds() - busy0) / ((t1 - t0) / 1000) };
}

/** How busy the machine was: cycle times depend on it, CPU seconds per scrape much less. */
function machineNote(phase: string, w: Window): string {
  const ours = [...w.cpu.values()].reduce((a, b) => a + b, 0) / ((w.t1 - w.t0) / 1000);
  return (
    `${phase}: the machine (${availableParallelism()} cores) was ${w.machineCores.toFixed(2)} cores busy ` +
    `on average during the window, ${ours.toFixed(2)} of them the processes measured here.`
  );
}

/** Whether the agent read every one of its `n` targets in round `b`. */
async function roundComplete(child: AgentChild, b: number, n: number): Promise<boolean> {
  const { rounds } = await child.ask({ type: 'report' }, 'report');
  return rounds.find((r) => r.round === b)?.ok === n;
}

interface AgentFigures {
  scrapes: number;
  ok: number;
  errors: Record<string, number>;
  cpuS: number;
  cpuPer1000: number;
  rounds: RoundStats[];
  cycleP99Ms: number;
  scrapeP99Ms: number;
  minOkPerRound: number;
  peakMiB: number;
  /** Rounds before the window. */
  warm: RoundStats[];
}

async function agentFigures(child: AgentChild, w: Window): Promise<AgentFigures> {
  const { rounds: all } = await child.ask({ type: 'report' }, 'report');
  const rounds = all.filter((r) => r.round >= w.from && r.round < w.to);
  const scrapes = rounds.reduce((a, r) => a + r.scrapes, 0);
  const ok = rounds.reduce((a, r) => a + r.ok, 0);
  const errors: Record<string, number> = {};
  for (const r of rounds) for (const [k, n] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + n;
  const cpuS = w.cpu.get(child.proc.pid!)!;
  return {
    scrapes,
    ok,
    errors,
    cpuS,
    // Per scrape that returned readings: a timed-out scrape costs little and delivers nothing.
    cpuPer1000: (cpuS / ok) * 1000,
    rounds,
    cycleP99Ms: percentile(
      rounds.map((r) => r.completeMs),
      99,
    ),
    scrapeP99Ms: percentile(
      rounds.flatMap((r) => r.durations),
      99,
    ),
    // A target skipped in a round (still busy, backing off) counts as not collected.
    minOkPerRound: rounds.length === 0 ? 0 : Math.min(...rounds.map((r) => r.ok)),
    peakMiB: peakRssMiB(child.proc.pid!),
    warm: all.filter((r) => r.round < w.from),
  };
}

function slowest(rounds: RoundStats[]): string {
  const max: Record<string, number> = {};
  for (const r of rounds) for (const [p, s] of Object.entries(r.protocols)) max[p] = Math.max(max[p] ?? 0, s.maxMs);
  return Object.entries(max)
    .map(([p, ms]) => `${p} ${ms} ms`)
    .join(', ');
}

const fmtErrors = (e: Record<string, number>) =>
  Object.keys(e).length === 0
    ? 'none'
    : Object.entries(e)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');

/** The first n targets of each protocol, in the order of the center's target list. */
function subset(center: CenterEndpoints, size: Partial<CenterSize>): Array<Record<string, unknown>> {
  const left: Record<string, number> = { ...size };
  return center.targets.filter((t) => {
    const p = sizeKey(t);
    if (!(left[p]! > 0)) return false;
    left[p]!--;
    return true;
  });
}

// --- the benchmark -------------------------------------------------------------------------------

export async function benchAgent(opts: AgentBenchOptions = {}): Promise<BenchResult> {
  const log = opts.log ?? (() => {});
  const p = plan(opts.quick ?? false);
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-bench-agent-'));
  mkdirSync(dir, { recursive: true });
  const figures: BenchFigure[] = [];
  const notes: string[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const largest = p.goal?.size ?? p.named.size;
  let failed = true;
  try {
    log(
      `agent: starting simulators for ${totalTargets(largest).toLocaleString('en-US')} targets (${JSON.stringify(largest)}); work dir ${dir}`,
    );
    const sim = forkChild<ToSimHost, FromSimHost>('sim-host.ts', path.join(dir, 'simulators.log'));
    cleanups.push(async () => {
      await sim.ask({ type: 'stop' }, 'stopped', 30_000).catch(() => {});
      await sim.kill();
    });
    const { center } = await sim.ask({ type: 'start', size: largest }, 'ready');
    // Agents are measured as they run after their first start: with every module in Node's compile cache.
    const warm = forkChild<ToChild, FromChild>(
      'agent-child.ts',
      path.join(dir, 'warm-agent.log'),
      agentHeapFlags(totalTargets(largest)),
    );
    await warm.ask({ type: 'warm' }, 'warmed').finally(() => warm.kill());

    const vs = (metric: string, v: number, base: number | undefined, label: string, max = 1.0): BenchFigure =>
      base === undefined
        ? { metric, value: v, unit: 'CPU s / 1,000 scrapes' }
        : {
            metric,
            value: v,
            unit: 'CPU s / 1,000 scrapes',
            baseline: base,
            baselineLabel: label,
            ratio: v / base,
            goal: `≤ ${max.toFixed(1)}×`,
            met: v / base <= max,
          };
    const { prometheus: nExp, snmp: nSnmp, intervalMs: I, rounds } = p.sideBySide;
    const timeoutMs = Math.floor(I * (1 - SPREAD));

    // (1) exporters: our agent beside Prometheus, alone in their window. The agent's scrapes fall in the
    // first fifth of each interval (its spread), where the SNMP side's walks would also fall; sharing
    // the window with them loaded the agent's scrapes with contention that Prometheus, spreading its
    // scrapes over the whole interval, mostly escaped.
    {
      const exporters = center.exporters.slice(0, nExp);
      log(
        `agent: side by side, every ${I / 1000} s for ${rounds} rounds: our agent on ${nExp} exporters vs Prometheus`,
      );
      mkdirSync(path.join(dir, 'prometheus'));
      const prom = await startPrometheus(path.join(dir, 'prometheus'), exporters, I, timeoutMs).catch((e: Error) => e);
      if (!(prom instanceof Error)) cleanups.push(() => prom.stop());
      const agentExp = await startAgent(dir, 'exporters', center, subset(center, { prometheus: nExp }), I, rounds);
      cleanups.push(() => stopAgent(agentExp));
      const w = await measure(p.sideBySide, [agentExp.proc.pid!, ...(prom instanceof Error ? [] : [prom.pid])], (b) =>
        roundComplete(agentExp, b, nExp),
      );
      const ours = await agentFigures(agentExp, w);
      let promPer1000: number | undefined;
      if (prom instanceof Error) notes.push(`Prometheus baseline missing: ${prom.message}`);
      else {
        const s = await prometheusScrapes(prom.port, w.t1, w.t1 - w.t0);
        promPer1000 = (w.cpu.get(prom.pid)! / s.scrapes) * 1000;
        notes.push(
          `Prometheus 2.42: ${s.scrapes} scrapes (${s.ok} up) of ${nExp} exporters in ${((w.t1 - w.t0) / 1000).toFixed(1)} ` +
            `s, ${w.cpu.get(prom.pid)!.toFixed(2)} CPU s, peak RSS ${peakRssMiB(prom.pid).toFixed(0)} MiB.`,
        );
      }
      notes.push(
        `our agent, exporters: ${ours.scrapes} scrapes (${ours.ok} ok; errors ${fmtErrors(ours.errors)}), ${ours.cpuS.toFixed(2)} ` +
          `CPU s, peak RSS ${ours.peakMiB.toFixed(0)} MiB.`,
      );
      notes.push(machineNote('exporters side by side', w));
      figures.push(
        vs(
          `CPU per 1,000 exporter scrapes, ${nExp} exporters every ${I / 1000} s`,
          ours.cpuPer1000,
          promPer1000,
          'Prometheus 2.42',
          EXPORTER_CPU_GOAL,
        ),
      );
      log(`agent: exporters ${ours.cpuPer1000.toFixed(3)} vs Prometheus ${promPer1000?.toFixed(3)} CPU s / 1,000`);
      for (const f of cleanups.splice(1).reverse()) await f();
    }

    // (2) SNMP: our agent beside snmp_exporter, in a window of their own.
    {
      const snmpDevices = center.snmp.slice(0, nSnmp);
      log(
        `agent: side by side, every ${I / 1000} s for ${rounds} rounds: our agent on ${nSnmp} SNMP devices vs snmp_exporter`,
      );
      const snmpx = await startSnmpExporter(dir, snmpDevices, WALK).catch((e: Error) => e);
      if (!(snmpx instanceof Error)) cleanups.push(() => snmpx.stop());
      const agentSnmp = await startAgent(dir, 'snmp', center, subset(center, { snmp: nSnmp }), I, rounds);
      cleanups.push(() => stopAgent(agentSnmp));
      const driver =
        snmpx instanceof Error
          ? undefined
          : new WalkDriver({
              exporterPort: snmpx.port,
              devices: snmpDevices,
              intervalMs: I,
              spread: SPREAD,
              timeoutMs,
            });
      driver?.start();
      const w = await measure(
        p.sideBySide,
        [agentSnmp.proc.pid!, ...(snmpx instanceof Error ? [] : [snmpx.pid])],
        (b) => roundComplete(agentSnmp, b, nSnmp),
      );
      driver?.stop();
      const oursSnmp = await agentFigures(agentSnmp, w);
      let snmpxPer1000: number | undefined;
      if (snmpx instanceof Error) notes.push(`snmp_exporter baseline missing: ${snmpx.message}`);
      else {
        const c = driver!.count(w.from, w.to);
        snmpxPer1000 = (w.cpu.get(snmpx.pid)! / c.walks) * 1000;
        notes.push(
          `snmp_exporter 0.21: ${c.walks} walks (${c.ok} complete) of ${nSnmp} devices, ${w.cpu.get(snmpx.pid)!.toFixed(2)} ` +
            `CPU s, peak RSS ${peakRssMiB(snmpx.pid).toFixed(0)} MiB; driven by this process over HTTP like Prometheus ` +
            `would, max-repetitions ${WALK.maxRepetitions} as our collector.`,
        );
      }
      notes.push(
        `our agent, SNMP: ${oursSnmp.scrapes} scrapes (${oursSnmp.ok} ok; errors ${fmtErrors(oursSnmp.errors)}), ` +
          `${oursSnmp.cpuS.toFixed(2)} CPU s, peak RSS ${oursSnmp.peakMiB.toFixed(0)} MiB.`,
      );
      notes.push(machineNote('SNMP side by side', w));
      figures.push(
        vs(
          `CPU per 1,000 SNMP walks, ${nSnmp} PDUs/UPSs every ${I / 1000} s`,
          oursSnmp.cpuPer1000,
          snmpxPer1000,
          'snmp_exporter 0.21',
        ),
      );
      log(`agent: SNMP ${oursSnmp.cpuPer1000.toFixed(3)} vs snmp_exporter ${snmpxPer1000?.toFixed(3)} CPU s / 1,000`);
      for (const f of cleanups.splice(1).reverse()) await f();
    }

    // (3) the named center and (4) the 5,000-target configuration.
    for (const [label, ph] of [
      ['named', p.named],
      ['goal', p.goal],
    ] as const) {
      if (!ph) continue;
      const n = totalTargets(ph.size);
      const I = ph.intervalMs;
      log(
        `agent: ${n.toLocaleString('en-US')} targets (${ph.size.redfish} Redfish, ${ph.size.snmp} SNMP, ${ph.size.modbus} ` +
          `Modbus, ${ph.size.prometheus} exporters, ${ph.size.bacnet ?? 0} BACnet, ${ph.size.ipmi ?? 0} IPMI) every ${I / 1000} s ` +
          `for ${ph.rounds} rounds`,
      );
      const agent = await startAgent(dir, label, center, subset(center, ph.size), I, ph.rounds);
      cleanups.push(() => stopAgent(agent));
      const w = await measure(ph, [agent.proc.pid!, sim.proc.pid!], (b) => roundComplete(agent, b, n));
      const f = await agentFigures(agent, w);
      for (const c of cleanups.splice(1).reverse()) await c();
      const cpuPerCycle = f.cpuS / ph.rounds;
      log(
        `agent: ${n} targets: ${f.cpuPer1000.toFixed(3)} CPU s / 1,000 scrapes, cycle p99 ${(f.cycleP99Ms / 1000).toFixed(2)} ` +
          `s of ${I / 1000} s, peak ${f.peakMiB.toFixed(0)} MiB, errors ${fmtErrors(f.errors)}`,
      );
      const where = `${n.toLocaleString('en-US')} targets`;
      notes.push(
        `our agent, ${where}: ${w.warmup} warm-up round(s) (cycles ${f.warm.map((r) => (r.completeMs / 1000).toFixed(2)).join(' / ')} ` +
          `s, ${f.warm.map((r) => r.ok).join(' / ')} targets read), then ${f.scrapes} scrapes in ${ph.rounds} rounds ` +
          `(${f.ok} ok; errors ${fmtErrors(f.errors)}), ${f.cpuS.toFixed(2)} CPU s, per-scrape p99 ${f.scrapeP99Ms.toFixed(0)} ` +
          `ms, cycles ${f.rounds.map((r) => (r.completeMs / 1000).toFixed(2)).join(' / ')} s; slowest scrape per ` +
          `protocol ${slowest(f.rounds)}; the simulators used ${(w.cpu.get(sim.proc.pid!)! / ((w.t1 - w.t0) / 1000)).toFixed(2)} ` +
          `cores meanwhile.`,
      );
      notes.push(machineNote(where, w));
      figures.push({
        metric: `CPU per 1,000 successful target scrapes, ${where}, every protocol`,
        value: f.cpuPer1000,
        unit: 'CPU s / 1,000 scrapes',
      });
      if (label === 'named') {
        figures.push({
          metric: `p99 cycle completion, ${where} (every target read), interval ${I / 1000} s`,
          value: f.cycleP99Ms / 1000,
          unit: 's',
          goal: `≤ ${I / 1000} s, all read`,
          met: f.cycleP99Ms <= I && f.minOkPerRound === n,
        });
      } else {
        figures.push({
          metric: `p99 cycle completion, ${where}, interval ${I / 1000} s`,
          value: f.cycleP99Ms / 1000,
          unit: 's',
          goal: `≤ ${GOAL_INTERVAL_MS / 1000} s, all read`,
          met: f.cycleP99Ms <= GOAL_INTERVAL_MS && f.minOkPerRound === n,
        });
        figures.push({
          metric: `cores used, ${where} (CPU per cycle ÷ ${GOAL_INTERVAL_MS / 1000} s)`,
          value: cpuPerCycle / (GOAL_INTERVAL_MS / 1000),
          unit: 'cores',
          goal: '≤ 1',
          met: cpuPerCycle / (GOAL_INTERVAL_MS / 1000) <= 1,
        });
      }
      figures.push({
        metric: `targets collected per cycle (worst round), ${where}`,
        value: f.minOkPerRound,
        unit: `of ${n}`,
        goal: `= ${n}`,
        met: f.minOkPerRound === n,
      });
      figures.push({
        metric: `peak memory (VmHWM of the agent process), ${where}`,
        value: f.peakMiB,
        unit: 'MiB',
        ...(label === 'goal' ? { goal: `≤ ${GOAL_PEAK_MIB} MiB`, met: f.peakMiB <= GOAL_PEAK_MIB } : {}),
      });
    }
    if (!p.goal) notes.push('--quick: the center is scaled ×0.25 and the 5,000-target configuration is skipped.');
    notes.push(
      `Each agent runs with the V8 limits dims agent gives itself for its target count (src/agent/runtime/heap.ts): ` +
        `${agentHeapFlags(totalTargets(largest)).join(' ')} at ${totalTargets(largest).toLocaleString('en-US')} targets.`,
    );
    notes.push(
      `CPU is utime+stime from /proc/<pid>/stat of each process over the same window of whole rounds (after ` +
        `warm-up rounds until one reads every target: 3 to 5 side by side, so Prometheus has created its series, ` +
        `1 for the centers); the simulators run in their own process. Simulators, agents and tools all on 127.0.0.1.`,
    );
    for (const n of notes) log(`agent: ${n}`);
    failed = false;
    return {
      name: 'agent',
      description: 'Agent collecting a simulated center beside Prometheus and snmp_exporter',
      figures,
      notes,
    };
  } finally {
    for (const f of cleanups.reverse()) await f().catch(() => {});
    // Logs stay behind when something failed: the errors above point into them.
    if (failed) log(`agent: logs kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
