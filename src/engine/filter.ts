/**
 * @module Catalog filters (on registry attributes) and conditions (on a center's own values), compiled to predicates.
 */
import type { Filter, Condition, CompareOp, Catalog } from '../catalog/types.ts';
import type { Center } from '../model/centers.ts';
import type { Window } from '../model/values.ts';

export type Attributes = Record<string, string | number | boolean | null | undefined>;

const YEAR_MS = 365.2425 * 86_400_000;

/** A center's registry attributes plus the derived ones (see src/catalog/registry-attributes.ts) for a window. */
export function centerAttributes(c: Center, window: Window, catalog: Catalog, newSince: string): Attributes {
  const cluster = c.hub_cluster ? catalog.clusters.find((x) => x.id === c.hub_cluster) : undefined;
  const node = cluster ? (catalog.hubNodes.find((n) => n.clusters.includes(cluster.id))?.id ?? null) : null;
  const commissioned = c.commission_date ? Date.parse(`${c.commission_date}T00:00:00+08:00`) : undefined;
  return {
    ...(c as unknown as Attributes),
    status: c.status ?? 'operating',
    is_hub: c.hub_cluster !== null && c.hub_cluster !== undefined,
    hub_node: node,
    is_new: c.commission_date ? c.commission_date >= newSince : false,
    is_large: c.size_class === 'large' || c.size_class === 'hyperscale',
    age_years: commissioned === undefined ? null : Math.floor((window.toMs - commissioned) / YEAR_MS),
  };
}

/** Compiles a filter into a predicate over attributes. */
export function compileFilter(f: Filter | undefined): (a: Attributes) => boolean {
  if (!f) return () => true;
  if ('all' in f) {
    const parts = f.all.map(compileFilter);
    return (a) => parts.every((p) => p(a));
  }
  if ('any' in f) {
    const parts = f.any.map(compileFilter);
    return (a) => parts.some((p) => p(a));
  }
  const { attr } = f;
  if ('eq' in f) return (a) => (a[attr] ?? null) === f.eq;
  if ('ne' in f) return (a) => (a[attr] ?? null) !== f.ne;
  if (f.in) {
    const set = new Set<unknown>(f.in);
    return (a) => set.has(a[attr]);
  }
  if (f.gte !== undefined) {
    const v = f.gte;
    return (a) => typeof a[attr] === 'number' && (a[attr] as number) >= v;
  }
  const v = f.lt!;
  return (a) => typeof a[attr] === 'number' && (a[attr] as number) < v;
}

export function compare(x: number, op: CompareOp, y: number): boolean {
  switch (op) {
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '==':
      return x === y;
    case '!=':
      return x !== y;
  }
}

/**
 * Compiles a condition. The lookup returns a center's own indicator value or raw metric value;
 * the result is undefined when a needed value is missing (the center is then left out of the count).
 * For `any`, one true part decides even if another part is missing; for `all`, one false part does.
 */
export function compileCondition(
  c: Condition,
  lookup: { indicator(id: string): number | null | undefined; metric(id: string): number | undefined },
): () => boolean | undefined {
  if ('all' in c) {
    const parts = c.all.map((x) => compileCondition(x, lookup));
    return () => {
      let unknown = false;
      for (const p of parts) {
        const r = p();
        if (r === false) return false;
        if (r === undefined) unknown = true;
      }
      return unknown ? undefined : true;
    };
  }
  if ('any' in c) {
    const parts = c.any.map((x) => compileCondition(x, lookup));
    return () => {
      let unknown = false;
      for (const p of parts) {
        const r = p();
        if (r === true) return true;
        if (r === undefined) unknown = true;
      }
      return unknown ? undefined : false;
    };
  }
  return () => {
    const v = c.indicator !== undefined ? lookup.indicator(c.indicator) : lookup.metric(c.metric!);
    if (v === null || v === undefined) return undefined;
    return compare(v, c.op, c.value);
  };
}
