/** @module Prometheus durations (`15m`, `6h`, `1h30m`) to and from minutes, for `for:` clauses and test timing. */

const UNIT_MIN: Record<string, number> = { s: 1 / 60, m: 1, h: 60, d: 1440, w: 10080 };

export function durationMinutes(d: string | undefined): number {
  if (!d) return 0;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
  let consumed = 0;
  for (const m of d.matchAll(re)) {
    total += m[2] === 'ms' ? 0 : Number(m[1]) * (UNIT_MIN[m[2] as string] ?? 0);
    consumed += m[0].length;
  }
  if (consumed !== d.length) throw new Error(`not a Prometheus duration: ${JSON.stringify(d)}`);
  return total;
}
