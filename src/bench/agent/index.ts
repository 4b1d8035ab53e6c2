/** @module Registers `dims bench agent` with the bench command; the benchmark itself loads only when run. */
import type { BenchResult } from '../../shared/bench.ts';

type BenchFn = (opts: { log: (s: string) => void; quick?: boolean }) => Promise<BenchResult>;

export function registerBenches(register: (name: string, summary: string, load: () => Promise<BenchFn>) => void): void {
  register(
    'agent',
    'agent on 3,200 and 5,000 simulated targets vs Prometheus and snmp_exporter (CPU per scrape, cycle time, memory)',
    async () => {
      const m = await import('./run.ts');
      return (o) => m.benchAgent({ log: o.log, ...(o.quick ? { quick: true } : {}) });
    },
  );
}
