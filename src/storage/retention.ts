/**
 * @module Retention durations as a deployment writes them (InfluxQL literals: `35d`, `12w`, `48h`, `INF`),
 * and in milliseconds as the adapters use them.
 */
import { DEFAULT_RETENTION, type Retention, type Tier } from './types.ts';
import { StorageInputError } from './errors.ts';

/** Durations per tier as written in the config; a tier left out keeps its default. */
export type RetentionConfig = Partial<Record<Tier, string>>;

export const DURATION_RE = /^(INF|[1-9][0-9]*[hdw])$/;
const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `35d` → ms; `INF` → Infinity. */
export function durationMs(text: string, what: string): number {
  if (!DURATION_RE.test(text)) throw new StorageInputError(`retention ${what} "${text}" must be INF or <n>h|d|w`);
  if (text === 'INF') return Infinity;
  return Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1)]!;
}

/** ms → the InfluxQL literal (whole hours; Infinity is INF). */
export function durationText(ms: number): string {
  if (!Number.isFinite(ms)) return 'INF';
  const h = Math.max(1, Math.round(ms / 3_600_000));
  return h % 24 === 0 ? `${h / 24}d` : `${h}h`;
}

/** The deployment's retention: its durations over the defaults. */
export function resolveRetention(config: RetentionConfig | undefined): Retention {
  const out: Retention = { ...DEFAULT_RETENTION };
  for (const [tier, text] of Object.entries(config ?? {}) as Array<[Tier, string | undefined]>) {
    if (!(tier in DEFAULT_RETENTION)) throw new StorageInputError(`retention has no tier "${tier}"`);
    if (text !== undefined) out[tier] = durationMs(text, tier);
  }
  return out;
}
