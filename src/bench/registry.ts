/**
 * @module Every benchmark `dims bench` runs, in the order of `dims bench all`. Each module loads only when its
 * benchmark runs; one that cannot be loaded is an error, never a silently shorter table.
 */
import type { BenchResult } from './table.ts';

/** What `dims bench` passes on: `quick` trades precision for a shorter run; `stores`/`sizes` narrow `hub`. */
export interface BenchOpts {
  log: (s: string) => void;
  quick?: boolean;
  stores?: Array<'sqlite' | 'influxdb'>;
  sizes?: number[];
  /** Hub only: measure the in-memory baselines (default true). */
  floors?: boolean;
}

/** Runs one benchmark. */
export type BenchFn = (opts: BenchOpts) => Promise<BenchResult>;

export interface BenchEntry {
  summary: string;
  load: () => Promise<BenchFn>;
}

export const BENCHES: Record<string, BenchEntry> = {
  engine: {
    summary: '1,000 and 10,000 centers × a month of daily records vs. a summing floor',
    load: async () => {
      const m = await import('./engine.ts');
      return (o) => m.benchEngine({ log: o.log, ...(o.quick ? { sizes: [200, 2000], runs: 3 } : {}) });
    },
  },
  ingest: {
    summary: 'records/s through POST /api/v1/records into InfluxDB vs. line protocol straight to /write',
    load: async () => {
      const m = await import('./hub/ingest.ts');
      return (o) => m.benchIngest({ log: o.log, ...(o.quick ? { centers: 100, minutes: 30, runs: 2 } : {}) });
    },
  },
  api: {
    summary: 'p50/p99 of the national overview and a province ranking under load vs. the storage queries alone',
    load: async () => {
      const m = await import('./hub/api.ts');
      return (o) => m.benchApi({ log: o.log, ...(o.quick ? { requests: 150 } : {}) });
    },
  },
  hub: {
    summary:
      'the whole hub: 1,000 and 10,000 centers pushing one-minute records over HTTP, real schedule on a compressed clock, both stores',
    load: async () => {
      const m = await import('./hub/hub.ts');
      return (o) =>
        m.benchHub({
          log: o.log,
          ...(o.quick ? { quick: true } : {}),
          ...(o.stores ? { stores: o.stores } : {}),
          ...(o.sizes ? { sizes: o.sizes } : {}),
        });
    },
  },
  reports: {
    summary: `all 31 provinces' monthly xlsx reports for a 900-center fleet (time, peak memory)`,
    load: async () => {
      const m = await import('./report.ts');
      return (o) => m.benchReports(o);
    },
  },
  freshness: {
    summary: 'time from a simulated device change to the national value that reflects it, in scrape intervals',
    load: async () => {
      const m = await import('./freshness.ts');
      return (o) => m.benchFreshness({ log: o.log, ...(o.quick ? { trials: 2 } : {}) });
    },
  },
  agent: {
    summary:
      'agent on 3,200 and 5,000 simulated targets vs Prometheus and snmp_exporter (CPU per scrape, cycle time, memory)',
    load: async () => {
      const m = await import('./agent/run.ts');
      return (o) => m.benchAgent({ log: o.log, ...(o.quick ? { quick: true } : {}) });
    },
  },
};
