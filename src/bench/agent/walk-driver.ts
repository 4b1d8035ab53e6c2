/**
 * @module Requests one snmp_exporter walk per SNMP device per interval, as Prometheus would with the
 * multi-target pattern: each device at a stable offset within the first part of the interval, one
 * request at a time per device. Runs in the benchmark's own process so snmp_exporter's CPU is its own.
 */
import { snmpWalkUrl, walkSucceeded } from './tools.ts';
import type { SnmpEndpoint } from './fleet.ts';
import { fnv1a as hash } from '../../shared/hash.ts';

export interface WalkRound {
  round: number;
  walks: number;
  ok: number;
}

export class WalkDriver {
  private readonly rounds = new Map<number, WalkRound>();
  private readonly busy = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly port: number;
  private readonly devices: SnmpEndpoint[];
  private readonly intervalMs: number;
  private readonly spread: number;
  private readonly timeoutMs: number;

  constructor(opts: {
    exporterPort: number;
    devices: SnmpEndpoint[];
    intervalMs: number;
    spread: number;
    timeoutMs: number;
  }) {
    this.port = opts.exporterPort;
    this.devices = opts.devices;
    this.intervalMs = opts.intervalMs;
    this.spread = opts.spread;
    this.timeoutMs = opts.timeoutMs;
  }

  start(): void {
    const I = this.intervalMs;
    const next = Math.floor(Date.now() / I) * I + I;
    this.later(() => this.round(next), next - Date.now());
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
  }

  /** Walks started in rounds [fromMs, toMs). */
  count(fromMs: number, toMs: number): { walks: number; ok: number } {
    let walks = 0;
    let ok = 0;
    for (const r of this.rounds.values()) {
      if (r.round >= fromMs && r.round < toMs) {
        walks += r.walks;
        ok += r.ok;
      }
    }
    return { walks, ok };
  }

  private later(fn: () => void, ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        fn();
      },
      Math.max(0, ms),
    );
    this.timers.add(t);
  }

  private round(b: number): void {
    const I = this.intervalMs;
    this.later(() => this.round(b + I), b + I - Date.now());
    const r: WalkRound = { round: b, walks: 0, ok: 0 };
    this.rounds.set(b, r);
    const window = Math.floor(I * this.spread);
    for (const d of this.devices) {
      const offset = window > 0 ? hash(d.id) % window : 0;
      this.later(() => void this.walk(d, r), b + offset - Date.now());
    }
  }

  private async walk(d: SnmpEndpoint, r: WalkRound): Promise<void> {
    // Like a Prometheus target: the next walk of a device does not start while its last one runs.
    if (this.busy.has(d.id)) return;
    this.busy.add(d.id);
    r.walks++;
    try {
      const res = await fetch(snmpWalkUrl(this.port, d), { signal: AbortSignal.timeout(this.timeoutMs) });
      if (walkSucceeded(res.status, await res.text())) r.ok++;
    } catch {
      // counted as a failed walk
    } finally {
      this.busy.delete(d.id);
    }
  }
}
