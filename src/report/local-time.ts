/** @module Instants as local wall-clock text in a report's time zone. */
import { zonedParts } from '../model/periods.ts';

/** An instant as local wall-clock text in `tz`: 2026-11-01 03:00:00. */
export function localTime(ms: number, tz: string): string {
  const p = zonedParts(ms, tz);
  const d = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${d(p.month)}-${d(p.day)} ${d(p.hour)}:${d(p.minute)}:${d(p.second)}`;
}
