/**
 * @module Named reporting periods (hour, day, month, quarter, year) as half-open windows in a time zone.
 *
 * Asia/Shanghai is the default: a month is the calendar month as a provincial bureau sees it, not UTC's.
 * Zones with daylight saving are handled by asking Intl for each boundary's offset.
 */
import type { Window } from './values.ts';

export type PeriodKindName = 'hour' | 'day' | 'month' | 'quarter' | 'year';
export const DEFAULT_TZ = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
}

/** Local calendar parts of an instant in `tz`, read from Intl (slow: a few µs a call). */
function intlParts(ms: number, tz: string): Parts & { minute: number; second: number } {
  const out: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return {
    year: out.year!,
    month: out.month!,
    day: out.day!,
    hour: out.hour! % 24,
    minute: out.minute!,
    second: out.second!,
  };
}

/**
 * A zone's UTC offset per quarter hour, asked of Intl once each: every offset change of the zone database
 * since 1970 falls on a quarter hour of UTC, so within one the offset is constant. Period arithmetic runs
 * per record at ingest and per tile in closes; Intl per call was most of their time.
 */
const QUARTER_HOUR = 900_000;
const offsets = new Map<string, Map<number, number>>();

function offsetAt(ms: number, tz: string): number {
  let byQuarter = offsets.get(tz);
  if (!byQuarter) offsets.set(tz, (byQuarter = new Map()));
  const q = Math.floor(ms / QUARTER_HOUR);
  let off = byQuarter.get(q);
  if (off === undefined) {
    const at = q * QUARTER_HOUR;
    const p = intlParts(at, tz);
    off = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at;
    if (byQuarter.size >= 200_000) byQuarter.clear();
    byQuarter.set(q, off);
  }
  return off;
}

/** Local calendar parts of an instant in `tz`. */
export function zonedParts(ms: number, tz: string): Parts & { minute: number; second: number } {
  const d = new Date(ms + offsetAt(ms, tz));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

function offsetMs(ms: number, tz: string): number {
  return offsetAt(ms, tz);
}

/** The instant when the local wall clock in `tz` shows the given time (month is 1-based; overflow normalizes). */
export function zonedToUtc(year: number, month: number, day: number, hour: number, tz: string): number {
  const wall = Date.UTC(year, month - 1, day, hour);
  let guess = wall - offsetMs(wall, tz);
  guess = wall - offsetMs(guess, tz);
  return guess;
}

const PATTERNS: Array<[PeriodKindName, RegExp]> = [
  ['hour', /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/],
  ['day', /^(\d{4})-(\d{2})-(\d{2})$/],
  ['quarter', /^(\d{4})-Q([1-4])$/],
  ['month', /^(\d{4})-(\d{2})$/],
  ['year', /^(\d{4})$/],
];

/** Which kind a period name is, or undefined for a malformed name. */
export function periodKindOf(name: string): PeriodKindName | undefined {
  return PATTERNS.find(([, re]) => re.test(name))?.[0];
}

function startParts(kind: PeriodKindName, name: string): Parts {
  const re = PATTERNS.find(([k]) => k === kind)![1];
  const m = re.exec(name);
  if (!m)
    throw new RangeError(`period ${JSON.stringify(name)} is not a valid ${kind} (expected ${periodExample(kind)})`);
  const n = m.slice(1).map(Number);
  const [y, a = 1, b = 1, h = 0] = n as [number, number?, number?, number?];
  // Date.UTC reads years 0–99 as 1900–1999: period 0001 would silently become 1901.
  if (y < 1970) throw new RangeError(`period ${JSON.stringify(name)} is before 1970`);
  switch (kind) {
    case 'year':
      return { year: y, month: 1, day: 1, hour: 0 };
    case 'quarter':
      return { year: y, month: (a - 1) * 3 + 1, day: 1, hour: 0 };
    case 'month':
      if (a < 1 || a > 12) throw new RangeError(`period ${JSON.stringify(name)} has month ${a}`);
      return { year: y, month: a, day: 1, hour: 0 };
    case 'day':
    case 'hour': {
      const dim = new Date(Date.UTC(y, a, 0)).getUTCDate();
      if (a < 1 || a > 12 || b < 1 || b > dim || h > 23)
        throw new RangeError(`period ${JSON.stringify(name)} is not a real ${kind}`);
      return { year: y, month: a, day: b, hour: kind === 'hour' ? h : 0 };
    }
  }
}

/** A name of each kind, for messages: 2026-10-05T13, 2026-10-05, 2026-10, 2026-Q3, 2026. */
export function periodExample(kind: PeriodKindName): string {
  return { hour: '2026-10-05T13', day: '2026-10-05', month: '2026-10', quarter: '2026-Q3', year: '2026' }[kind];
}

function addParts(p: Parts, kind: PeriodKindName, n: number): Parts {
  switch (kind) {
    case 'year':
      return { ...p, year: p.year + n };
    case 'quarter':
      return { ...p, month: p.month + 3 * n };
    case 'month':
      return { ...p, month: p.month + n };
    case 'day':
      return { ...p, day: p.day + n };
    case 'hour':
      return { ...p, hour: p.hour + n };
  }
}

function partsToMs(p: Parts, tz: string): number {
  return zonedToUtc(p.year, p.month, p.day, p.hour, tz);
}

/** The window of a named period in `tz`. */
export function periodWindow(kind: PeriodKindName, name: string, tz: string = DEFAULT_TZ): Window {
  const start = startParts(kind, name);
  return { fromMs: partsToMs(start, tz), toMs: partsToMs(addParts(start, kind, 1), tz), period: name };
}

/** Parses any period name (kind inferred) into its window. */
export function parsePeriod(name: string, tz: string = DEFAULT_TZ): Window & { kind: PeriodKindName } {
  const kind = periodKindOf(name);
  if (!kind)
    throw new RangeError(
      `period ${JSON.stringify(name)} is not one of 2026-10-05T13, 2026-10-05, 2026-10, 2026-Q3, 2026`,
    );
  return { kind, ...periodWindow(kind, name, tz) };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The name of the period of `kind` containing instant `ms`. */
export function periodName(kind: PeriodKindName, ms: number, tz: string = DEFAULT_TZ): string {
  const p = zonedParts(ms, tz);
  switch (kind) {
    case 'year':
      return `${p.year}`;
    case 'quarter':
      return `${p.year}-Q${Math.floor((p.month - 1) / 3) + 1}`;
    case 'month':
      return `${p.year}-${pad(p.month)}`;
    case 'day':
      return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
    case 'hour':
      return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}`;
  }
}

/** The period `n` steps after (negative: before) a named one. */
export function shiftPeriod(kind: PeriodKindName, name: string, n: number, tz: string = DEFAULT_TZ): string {
  const p = addParts(startParts(kind, name), kind, n);
  return periodName(kind, partsToMs(p, tz), tz);
}

/** The period just before a named one. */
export function previousPeriod(kind: PeriodKindName, name: string, tz: string = DEFAULT_TZ): string {
  return shiftPeriod(kind, name, -1, tz);
}

/** Names of every period of `kind` that overlaps [fromMs, toMs). */
export function periodsTouching(kind: PeriodKindName, fromMs: number, toMs: number, tz: string = DEFAULT_TZ): string[] {
  const out: string[] = [];
  if (!(toMs > fromMs)) return out;
  let name = periodName(kind, fromMs, tz);
  for (let guard = 0; guard < 100_000; guard++) {
    const w = periodWindow(kind, name, tz);
    if (w.fromMs >= toMs) break;
    out.push(name);
    name = shiftPeriod(kind, name, 1, tz);
  }
  return out;
}

/**
 * The same window shifted back by a calendar duration (P1Y, P1M, P3M) in `tz`: a named month
 * maps to the named month a year earlier; an arbitrary window shifts its local wall-clock ends.
 */
export function shiftWindowBack(w: Window, duration: 'P1Y' | 'P1M' | 'P3M', tz: string = DEFAULT_TZ): Window {
  const months = duration === 'P1Y' ? 12 : duration === 'P3M' ? 3 : 1;
  const back = (ms: number) => {
    const p = zonedParts(ms, tz);
    const y = p.year;
    const m = p.month - months;
    // Clamp the day so 31 March minus one month is the end of February, not 3 March.
    const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const local = Date.UTC(y, m - 1, Math.min(p.day, dim), p.hour, p.minute, p.second);
    return local - offsetMs(local - offsetMs(local, tz), tz);
  };
  const out: Window = { fromMs: back(w.fromMs), toMs: back(w.toMs) };
  if (w.period) {
    const kind = periodKindOf(w.period);
    if (kind && kind !== 'hour' && kind !== 'day') {
      const steps = kind === 'year' ? -months / 12 : kind === 'quarter' ? -months / 3 : -months;
      if (Number.isInteger(steps)) {
        const name = shiftPeriod(kind, w.period, steps, tz);
        return { ...periodWindow(kind, name, tz), period: name };
      }
    }
  }
  return out;
}
