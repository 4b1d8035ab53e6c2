/** @module Reading values out of Redfish JSON by dotted paths, tolerating vendor shapes (string numbers, string links). */
import type { Json } from './client.ts';

/**
 * The value at a dotted path (`PowerControl.0.PowerConsumedWatts`); numeric segments index arrays. A key that
 * itself holds a dot (`@odata.id`) is taken whole when the object has it.
 */
export function at(obj: unknown, path: string): unknown {
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj) && Object.hasOwn(obj, path))
    return (obj as Record<string, unknown>)[path];
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (Array.isArray(cur)) cur = /^\d+$/.test(part) ? cur[Number(part)] : undefined;
    else if (cur !== null && typeof cur === 'object') cur = (cur as Record<string, unknown>)[part];
    else return undefined;
  }
  return cur;
}

/**
 * A finite number, or undefined. With `strings: 'accept'`, "245", "245.5 W" and " 31 " count too
 * (Huawei iBMC and some Inspur firmware send readings as strings).
 */
export function toNumber(v: unknown, strings: 'accept' | 'reject'): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && strings === 'accept') {
    const m = /^\s*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)\s*[A-Za-z%°]*\s*$/.exec(v);
    return m === null ? undefined : Number(m[1]);
  }
  return undefined;
}

/** The first path giving a number. */
export function firstNumber(obj: unknown, paths: readonly string[], strings: 'accept' | 'reject'): number | undefined {
  for (const p of paths) {
    const n = toNumber(at(obj, p), strings);
    if (n !== undefined) return n;
  }
  return undefined;
}

/** The first path giving a non-empty string (numbers are turned into strings). */
export function firstString(obj: unknown, paths: readonly string[]): string | undefined {
  for (const p of paths) {
    const v = at(obj, p);
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

/**
 * The URI of a link property: `{ "@odata.id": "/redfish/v1/..." }`, or a bare string as Cisco CIMC
 * sends it where a link object is expected (telegraf#8418).
 */
export function link(obj: unknown, key: string): string | undefined {
  const v = at(obj, key);
  if (typeof v === 'string' && v.startsWith('/')) return v;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const id = (v as Json)['@odata.id'];
    if (typeof id === 'string') return id;
  }
  return undefined;
}

/** Member URIs of a collection (`Members: [{ "@odata.id" }]`), or of a plain array of links. */
export function members(obj: unknown, key = 'Members'): string[] {
  const v = at(obj, key);
  if (!Array.isArray(v)) return [];
  return v
    .map((m) =>
      typeof m === 'string' ? m : m !== null && typeof m === 'object' ? (m as Json)['@odata.id'] : undefined,
    )
    .filter((m): m is string => typeof m === 'string');
}

/** Whether a resource says it is not installed (Status.State Absent: an empty socket or bay). */
export function isAbsent(obj: unknown, presence: { state: readonly string[]; absent: readonly string[] }): boolean {
  const state = firstString(obj, presence.state);
  return state !== undefined && presence.absent.includes(state);
}

/** Whether `obj` satisfies every `where` condition (value at path, as a string, is one of the listed values). */
export function matchesWhere(obj: unknown, where: Record<string, string[]> | undefined): boolean {
  for (const [path, allowed] of Object.entries(where ?? {})) {
    const v = at(obj, path);
    if (!allowed.includes(typeof v === 'string' || typeof v === 'number' ? String(v) : '')) return false;
  }
  return true;
}
