/**
 * @module What changed since the previous period, for a center's own report: indicators whose target
 * status flipped, whose value moved by at least 10 %, or that gained or lost their value.
 */
import type { Catalog } from '../catalog/types.ts';
import type { Level } from '../model/values.ts';
import type { Lang } from '../catalog/docs.ts';
import { statusAt } from '../catalog/targets.ts';
import type { Change, SummaryRow } from './types.ts';
import { CHANGES } from './text.ts';

/** A value that moved by at least this many percent of the previous one is listed. */
export const CHANGE_PCT = 10;

const ORDER: Record<Change['why'], number> = { status: 0, vanished: 1, appeared: 2, moved: 3 };

export function notableChanges(catalog: Catalog, level: Level, rows: SummaryRow[]): Change[] {
  const hadData = rows.some((r) => r.previous.value !== null);
  const hasData = rows.some((r) => r.value !== null);
  const out: Change[] = [];
  for (const r of rows) {
    const ind = catalog.indicatorById.get(r.indicator)!;
    const previous = r.previous.value;
    const before = statusAt(ind, level, previous);
    let why: Change['why'] | undefined;
    if (r.value !== null && previous !== null) {
      if (before !== r.target_status && (before === 'met' || before === 'missed')) why = 'status';
      else if (r.previous.change_pct !== null && Math.abs(r.previous.change_pct) >= CHANGE_PCT) why = 'moved';
    } else if (r.value !== null && previous === null && hadData) why = 'appeared';
    else if (r.value === null && previous !== null && hasData) why = 'vanished';
    if (!why) continue;
    out.push({
      indicator: r.indicator,
      code: r.code,
      name: r.name,
      unit: r.unit,
      value: r.value,
      previous,
      change: r.previous.change,
      change_pct: r.previous.change_pct,
      status: r.target_status,
      previous_status: before,
      why,
    });
  }
  return out.sort(
    (a, b) =>
      ORDER[a.why] - ORDER[b.why] ||
      Math.abs(b.change_pct ?? 0) - Math.abs(a.change_pct ?? 0) ||
      (a.code < b.code ? -1 : 1),
  );
}

/** Why a change is listed, in words. */
export function changeText(c: Change, lang: Lang): string {
  return (CHANGES[c.why]?.[lang] ?? c.why).replace('{pct}', String(CHANGE_PCT));
}
