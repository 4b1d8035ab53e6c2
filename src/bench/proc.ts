/**
 * @module CPU time and peak memory of another process, read from /proc, so every process in the benchmark
 * (our agent, Prometheus, snmp_exporter) is measured the same way, from outside, with no cooperation.
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

let ticks: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every Linux we run on). */
export function clockTicks(): number {
  if (ticks === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number(r.stdout?.trim());
    ticks = Number.isInteger(n) && n > 0 ? n : 100;
  }
  return ticks;
}

/**
 * User + system CPU seconds of all threads of a process, from the text of /proc/<pid>/stat.
 * Fields are counted after the last ')' because the command name may itself contain spaces and parentheses.
 */
export function parseStatCpu(text: string, hz = 100): { user: number; system: number; total: number } {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  // After "pid (comm) " come field 3 (state) onwards; utime and stime are fields 14 and 15.
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('no utime/stime in /proc/<pid>/stat');
  return { user: utime / hz, system: stime / hz, total: (utime + stime) / hz };
}

/** CPU seconds used so far by process `pid` (all its threads). */
export function cpuSeconds(pid: number): number {
  return parseStatCpu(readFileSync(`/proc/${pid}/stat`, 'utf8'), clockTicks()).total;
}

/** A field of /proc/<pid>/status in MiB (VmHWM = peak resident set, VmRSS = now), from its kB value. */
export function parseStatusMiB(text: string, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, 'm').exec(text);
  if (!m) throw new Error(`no ${field} in /proc/<pid>/status`);
  return Number(m[1]) / 1024;
}

/** Peak resident memory of process `pid` so far, MiB. */
export function peakRssMiB(pid: number): number {
  return parseStatusMiB(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmHWM');
}

/** Busy CPU seconds of the whole machine (all cores, everything but idle and iowait), from /proc/stat. */
export function parseMachineBusy(text: string, hz = 100): number {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no cpu line in /proc/stat');
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - v[3]! - v[4]!) / hz;
}

/** Busy CPU seconds of the machine so far: with the processes we measure, shows how much else was running. */
export function machineBusySeconds(): number {
  return parseMachineBusy(readFileSync('/proc/stat', 'utf8'), clockTicks());
}
