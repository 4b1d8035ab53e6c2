/** @module Registers the end-to-end benchmarks with `dims bench`: freshness from device to national value. */
import type { BenchResult } from '../shared/bench.ts';

type Register = (
  name: string,
  summary: string,
  load: () => Promise<(o: { log: (s: string) => void; quick?: boolean }) => Promise<BenchResult>>,
) => void;

export function registerBenches(register: Register): void {
  register(
    'freshness',
    'time from a simulated device change to the national value that reflects it, in scrape intervals',
    async () => {
      const m = await import('./freshness.ts');
      return (o) => m.benchFreshness({ log: o.log, ...(o.quick ? { trials: 2 } : {}) });
    },
  );
}
