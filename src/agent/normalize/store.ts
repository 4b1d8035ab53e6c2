/**
 * @module Per-target reading history: each successful collection is split into counter and gauge
 * series (keyed by signal, device and stable labels) and the latest inventory snapshot, ready for
 * the record builder. Only what records need is kept, and only for about two intervals.
 */
import type { Sample, Signal } from '../../../collectors/types.ts';
import type { TargetConfig } from '../config/types.ts';
import { CounterSeries } from './counter.ts';
import { GaugeSeries } from './gauge.ts';

export interface SeriesInfo {
  signal: Signal;
  device: string;
  labels: Record<string, string>;
}

export interface CounterEntry extends SeriesInfo {
  series: CounterSeries;
}

export interface GaugeEntry extends SeriesInfo {
  series: GaugeSeries;
  /** accel_utilization only: 1 while a workload holds the device. */
  alloc?: GaugeSeries;
  /** accel_utilization only: utilization while held by a platform-scheduled namespace, else 0. */
  sched?: GaugeSeries;
}

const COUNTERS = new Set<Signal>(['energy_kwh', 'water_m3', 'cpu_seconds', 'octets', 'rtt_probes']);
const GAUGES = new Set<Signal>(['power_watts', 'temperature_celsius', 'accel_utilization']);
/** Labels that change while the series stays the same device (allocation moves between pods). */
const VOLATILE = new Set(['allocated', 'namespace', 'pod', 'exported_pod', 'exported_namespace', 'serial']);

export interface StoreOptions {
  maxGapMs: number;
  schedNamespaces?: RegExp;
}

export class TargetReadings {
  readonly target: TargetConfig;
  readonly counters = new Map<string, CounterEntry>();
  readonly gauges = new Map<string, GaugeEntry>();
  inventory: { t: number; samples: Sample[] } | undefined;
  /** Times of successful collections (pruned with the series). */
  successes: number[] = [];
  resets = 0;
  replacements = 0;
  private readonly opts: StoreOptions;

  constructor(target: TargetConfig, opts: StoreOptions) {
    this.target = target;
    this.opts = opts;
  }

  /** Records one successful collection made at `t` (samples with their own timestamp keep it). */
  ingest(t: number, samples: readonly Sample[]): void {
    this.successes.push(t);
    const inv: Sample[] = [];
    for (const s of samples) {
      if (s.signal === 'inventory') {
        inv.push(s);
        continue;
      }
      const at = s.timestampMs ?? t;
      if (COUNTERS.has(s.signal)) {
        const e = this.entry(this.counters, s, () => new CounterSeries(this.counterOptions(s.signal)));
        const d = e.series.add(at, s.value, s.labels?.serial);
        if (d === 'reset') this.resets++;
        else if (d === 'replacement') this.replacements++;
      } else if (GAUGES.has(s.signal)) {
        const e = this.entry(this.gauges, s, () => new GaugeSeries(this.opts.maxGapMs));
        e.series.add(at, s.value);
        if (s.signal === 'accel_utilization') {
          const held = s.labels?.allocated === '1';
          (e.alloc ??= new GaugeSeries(this.opts.maxGapMs)).add(at, held ? 1 : 0);
          if (this.opts.schedNamespaces) {
            const ns = s.labels?.namespace ?? '';
            (e.sched ??= new GaugeSeries(this.opts.maxGapMs)).add(
              at,
              held && this.opts.schedNamespaces.test(ns) ? s.value : 0,
            );
          }
        }
      }
    }
    if (inv.length > 0) this.inventory = { t, samples: inv };
  }

  private counterOptions(signal: Signal) {
    const o: { maxGapMs: number; maxRatePerMs?: number } = { maxGapMs: this.opts.maxGapMs };
    if (signal === 'energy_kwh' && this.target.maxPowerKw !== undefined)
      o.maxRatePerMs = this.target.maxPowerKw / 3.6e6;
    return o;
  }

  private entry<E extends SeriesInfo>(
    map: Map<string, E>,
    s: Sample,
    make: () => E extends CounterEntry ? CounterSeries : GaugeSeries,
  ): E {
    const key = seriesKey(s);
    let e = map.get(key);
    if (e === undefined) {
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(s.labels ?? {})) if (!VOLATILE.has(k)) labels[k] = v;
      e = { signal: s.signal, device: s.device ?? '', labels, series: make() } as unknown as E;
      map.set(key, e);
    }
    return e;
  }

  /** True when a collection succeeded in [start, end). */
  succeededIn(start: number, end: number): boolean {
    return this.successes.some((t) => t >= start && t < end);
  }

  /** Forgets readings before `t` (keeping what boundary interpolation at t needs). */
  prune(t: number): void {
    this.successes = this.successes.filter((x) => x >= t);
    // Series silent for long (a removed card, a renamed outlet) are dropped so memory stays flat.
    const stale = t - 4 * this.opts.maxGapMs;
    for (const [k, e] of this.counters) {
      if ((e.series.lastT ?? 0) < stale) this.counters.delete(k);
      else e.series.prune(t);
    }
    for (const [k, e] of this.gauges) {
      if ((e.series.lastT ?? 0) < stale) {
        this.gauges.delete(k);
        continue;
      }
      e.series.prune(t);
      e.alloc?.prune(t);
      e.sched?.prune(t);
    }
  }
}

/**
 * A series' identity: signal, device and the stable labels in name order. Built for every sample of every
 * collection, so as one string with no intermediate arrays or JSON (the labels object is copied only for a new series).
 */
function seriesKey(s: Sample): string {
  let key = `${s.signal}\u0000${s.device ?? ''}`;
  const labels = s.labels;
  if (labels === undefined) return key;
  const names = Object.keys(labels);
  // Sorted in place by insertion: a sample has a handful of labels, and Array.prototype.sort allocated
  // a work array for every sample of every collection.
  for (let i = 1; i < names.length; i++) {
    const name = names[i]!;
    let j = i - 1;
    for (; j >= 0 && names[j]! > name; j--) names[j + 1] = names[j]!;
    names[j + 1] = name;
  }
  for (const k of names) if (!VOLATILE.has(k)) key += `\u0000${k}\u0001${labels[k]}`;
  return key;
}
