/** @module Period names as the hub speaks them (2026-10, 2026-Q3, 2026), lists to choose from, and their windows in the hub's zone. */

export type ReportKind = 'month' | 'quarter' | 'year';

/** The hub's zone: Asia/Shanghai has had no daylight saving since 1991, so a fixed offset is exact. */
const OFFSET = '+08:00';

export function kindOf(name: string): ReportKind | undefined {
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(name)) return 'month';
  if (/^\d{4}-Q[1-4]$/.test(name)) return 'quarter';
  if (/^\d{4}$/.test(name)) return 'year';
  return undefined;
}

/** The period `n` steps before (negative) or after `name`. */
export function shift(name: string, n: number): string {
  const kind = kindOf(name);
  if (kind === 'year') return String(Number(name) + n);
  if (kind === 'quarter') {
    const q = Number(name.slice(0, 4)) * 4 + Number(name.slice(6)) - 1 + n;
    return `${Math.floor(q / 4)}-Q${(q % 4) + 1}`;
  }
  if (kind === 'month') {
    const m = Number(name.slice(0, 4)) * 12 + Number(name.slice(5)) - 1 + n;
    return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
  }
  throw new RangeError(`not a period name: ${name}`);
}

/** The period of `kind` that contains the month `month` (YYYY-MM). */
export function containing(kind: ReportKind, month: string): string {
  if (kind === 'month') return month;
  if (kind === 'year') return month.slice(0, 4);
  return `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5)) - 1) / 3) + 1}`;
}

/** `count` periods ending with `latest`, newest first. */
export function recent(latest: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => shift(latest, -i));
}

/** [from, to) of a named period as RFC 3339 times in the hub's zone. */
export function window(name: string): { from: string; to: string } {
  const kind = kindOf(name);
  const start = (p: string) => {
    const k = kindOf(p);
    if (k === 'year') return `${p}-01-01T00:00:00${OFFSET}`;
    if (k === 'quarter')
      return `${p.slice(0, 4)}-${String((Number(p.slice(6)) - 1) * 3 + 1).padStart(2, '0')}-01T00:00:00${OFFSET}`;
    return `${p}-01T00:00:00${OFFSET}`;
  };
  if (!kind) throw new RangeError(`not a period name: ${name}`);
  return { from: start(name), to: start(shift(name, 1)) };
}
