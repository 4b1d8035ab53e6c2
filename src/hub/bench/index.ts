/** @module Registers the hub's benchmarks (`ingest`, `api`) with `dims bench`. */
import type { BenchResult } from '../../shared/bench.ts';

type Register = (
  name: string,
  summary: string,
  load: () => Promise<(o: { log: (s: string) => void; quick?: boolean }) => Promise<BenchResult>>,
) => void;

export function registerBenches(register: Register): void {
  register(
    'ingest',
    'records/s through POST /api/v1/records into InfluxDB vs. line protocol straight to /write',
    async () => {
      const m = await import('./ingest.ts');
      return (o) => m.benchIngest({ log: o.log, ...(o.quick ? { centers: 100, minutes: 30, runs: 2 } : {}) });
    },
  );
  register(
    'api',
    'p50/p99 of the national overview and a province ranking under load vs. the storage queries alone',
    async () => {
      const m = await import('./api.ts');
      return (o) => m.benchApi({ log: o.log, ...(o.quick ? { requests: 150 } : {}) });
    },
  );
}
