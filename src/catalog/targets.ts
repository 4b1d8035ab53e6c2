/**
 * @module Whether a value meets its indicator's official target, and how values rank by direction.
 * Reports, the console and the demo summary all use these, so "met" means the same everywhere.
 */
import type { Indicator, Target } from './types.ts';
import type { Level } from '../model/values.ts';

/**
 * The target values are judged against: the numeric one marked official. Other targets are anchors
 * (actual figures such as 10.85 M racks in mid-2025, or one province's rate) and are shown, never judged.
 */
export function officialTarget(ind: Indicator): Target | undefined {
  return ind.targets.find((t) => t.official === true && t.op !== undefined && t.value !== undefined);
}

export type TargetStatus = 'met' | 'missed' | 'no_target' | 'no_value';

/** Compares a value with the official target. */
export function targetStatus(ind: Indicator, value: number | null): TargetStatus {
  const t = officialTarget(ind);
  if (!t || t.op === undefined || t.value === undefined) return 'no_target';
  if (value === null) return 'no_value';
  const v = t.value;
  const ok =
    t.op === '>'
      ? value > v
      : t.op === '>='
        ? value >= v
        : t.op === '<'
          ? value < v
          : t.op === '<='
            ? value <= v
            : Math.abs(value - v) <= 1e-9 * Math.max(1, Math.abs(v));
  return ok ? 'met' : 'missed';
}

/** Short text of the official target, e.g. "≤ 1.5 (S7)". */
export function targetText(ind: Indicator): string {
  const t = officialTarget(ind);
  if (!t || t.value === undefined) return '';
  const sign = { '>': '>', '>=': '≥', '<': '<', '<=': '≤', '==': '≈' }[t.op ?? '=='] ?? '';
  return `${sign} ${t.value}${ind.unit === '%' ? '%' : ''} (${t.source})`;
}

/**
 * Ranks codes by value in the indicator's direction (rank 1 is best). Ties share the best rank
 * (1, 2, 2, 4); nulls are unranked. Monitor-only indicators rank highest first.
 */
export function rankValues(
  ind: Pick<Indicator, 'direction'>,
  values: Array<{ code: string; value: number | null }>,
): Map<string, number | null> {
  const sign = ind.direction === 'lower' ? 1 : -1;
  const ranked = values
    .filter((v) => v.value !== null && Number.isFinite(v.value))
    .sort((a, b) => sign * ((a.value as number) - (b.value as number)));
  const out = new Map<string, number | null>();
  let prev: number | null = null;
  let prevRank = 0;
  ranked.forEach((v, i) => {
    const rank =
      prev !== null && Math.abs((v.value as number) - prev) <= 1e-12 * Math.max(1, Math.abs(prev)) ? prevRank : i + 1;
    out.set(v.code, rank);
    prev = v.value;
    prevRank = rank;
  });
  for (const v of values) if (v.value === null || !Number.isFinite(v.value)) out.set(v.code, null);
  return out;
}

/** Totals (sums and counts) whose targets name one level do not apply at another: 300 EFLOPS is a national total. */
const ADDITIVE = new Set(['sum', 'count', 'count_if']);

/**
 * The official target as it applies at `level`: a target scoped to another level still holds for
 * ratios, shares and percentiles (a province's PUE is held to the national ≤ 1.5), and "none at
 * all" (== 0) holds everywhere; a total's target holds only at its own level.
 */
export function applicableTarget(ind: Indicator, level: Level): Target | undefined {
  const t = officialTarget(ind);
  if (!t || t.op === undefined || t.value === undefined) return undefined;
  if (!t.scope || t.scope === level) return t;
  if (t.value === 0 && (t.op === '==' || t.op === '<=')) return t;
  return ADDITIVE.has(ind.computation.method) ? undefined : t;
}

/** Target status of a value at a level (what the API, the console and reports all show). */
export function statusAt(ind: Indicator, level: Level, value: number | null): TargetStatus {
  return applicableTarget(ind, level) ? targetStatus(ind, value) : 'no_target';
}
