/** @module Durations in config files and options: a number of seconds or a string such as 250ms, 10s, 5m, 1h, 90d. */

const UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a schema-valid duration (the schema has already checked the shape). */
export function durationMs(v: number | string): number {
  if (typeof v === 'number') return Math.round(v * 1000);
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/.exec(v);
  if (!m) throw new Error(`not a duration: ${JSON.stringify(v)}`);
  return Math.round(Number(m[1]) * UNIT[m[2]!]!);
}
