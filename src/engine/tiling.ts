/**
 * @module Tiling a window with whole named periods: which months, days and hours lie wholly inside
 * [fromMs, toMs), coarsest first, and which partial spans are left over. A close reads the roll-ups of
 * the tiles and raw records only for the leftovers.
 */
import { periodName, periodWindow, shiftPeriod, type PeriodKindName } from '../model/periods.ts';

export interface Tile {
  kind: PeriodKindName;
  period: string;
  fromMs: number;
  toMs: number;
}

export interface Tiling {
  tiles: Tile[];
  /** Spans no whole period of the given kinds fits in. */
  rest: Array<{ fromMs: number; toMs: number }>;
}

/** Tiles [fromMs, toMs) with whole periods of `kinds`, given coarsest first (e.g. month, day, hour). */
export function tile(fromMs: number, toMs: number, kinds: PeriodKindName[], tz: string): Tiling {
  const out: Tiling = { tiles: [], rest: [] };
  tileSpan(fromMs, toMs, kinds, 0, tz, out);
  out.tiles.sort((a, b) => a.fromMs - b.fromMs);
  out.rest.sort((a, b) => a.fromMs - b.fromMs);
  return out;
}

function tileSpan(fromMs: number, toMs: number, kinds: PeriodKindName[], k: number, tz: string, out: Tiling): void {
  if (!(toMs > fromMs)) return;
  const kind = kinds[k];
  if (kind === undefined) {
    out.rest.push({ fromMs, toMs });
    return;
  }
  let name = periodName(kind, fromMs, tz);
  let w = periodWindow(kind, name, tz);
  if (w.fromMs < fromMs) {
    name = shiftPeriod(kind, name, 1, tz);
    w = periodWindow(kind, name, tz);
  }
  if (w.toMs > toMs) {
    tileSpan(fromMs, toMs, kinds, k + 1, tz, out);
    return;
  }
  const first = w.fromMs;
  let last = w.fromMs;
  while (w.toMs <= toMs) {
    out.tiles.push({ kind, period: name, fromMs: w.fromMs, toMs: w.toMs });
    last = w.toMs;
    name = shiftPeriod(kind, name, 1, tz);
    w = periodWindow(kind, name, tz);
  }
  tileSpan(fromMs, first, kinds, k + 1, tz, out);
  tileSpan(last, toMs, kinds, k + 1, tz, out);
}
