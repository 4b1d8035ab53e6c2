/**
 * @module Dimensional analysis of catalog quantities: proves each indicator's scale matches its unit.
 *
 * A unit is a map of base-unit exponents plus a factor to the base (MW = 1000 × kW). The unit of a
 * quantity tree follows from its raw metrics: sums need equal units, products add exponents.
 */
import type { Quantity, Unit } from './types.ts';

/** A unit in base terms. */
export interface Dim {
  dims: Record<string, number>;
  factor: number;
}

export const DIMENSIONLESS: Dim = { dims: {}, factor: 1 };

function clean(d: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(d)) if (v !== 0) out[k] = v;
  return out;
}

export function multiply(a: Dim, b: Dim, sign = 1): Dim {
  const dims = { ...a.dims };
  for (const [k, v] of Object.entries(b.dims)) dims[k] = (dims[k] ?? 0) + sign * v;
  return { dims: clean(dims), factor: sign > 0 ? a.factor * b.factor : a.factor / b.factor };
}

/** Same base dimensions (factors may differ). */
export function sameDims(a: Dim, b: Dim): boolean {
  const ka = Object.keys(a.dims).sort();
  const kb = Object.keys(b.dims).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a.dims[k] === b.dims[k]);
}

export function describe(d: Dim): string {
  const parts = Object.entries(d.dims).map(([k, v]) => (v === 1 ? k : `${k}^${v}`));
  return `${d.factor === 1 ? '' : `${d.factor}×`}${parts.length ? parts.join('·') : '1'}`;
}

/** Resolves units of metrics and parameters by id; returns an error string for a mismatch. */
export interface UnitContext {
  unitOf(id: string): Unit | undefined;
  metricUnit(metric: string): string | undefined;
  paramUnit(param: string): string | undefined;
}

/** Computes the unit of a quantity tree, or throws an Error describing the mismatch. */
export function unitOfQuantity(q: Quantity, ctx: UnitContext): Dim {
  if ('metric' in q) return lookup(ctx.metricUnit(q.metric), `metric ${q.metric}`, ctx);
  if ('param' in q) return lookup(ctx.paramUnit(q.param), `param ${q.param}`, ctx);
  if ('const' in q) return DIMENSIONLESS;
  if ('product' in q) return q.product.map((x) => unitOfQuantity(x, ctx)).reduce((a, b) => multiply(a, b));
  if ('quotient' in q) return multiply(unitOfQuantity(q.quotient[0], ctx), unitOfQuantity(q.quotient[1], ctx), -1);
  const terms = 'sum' in q ? q.sum : 'difference' in q ? q.difference : q.max;
  const units = terms.map((x) => unitOfQuantity(x, ctx));
  const first = units[0]!;
  for (const u of units.slice(1)) {
    // Constants (e.g. max(0, x)) adopt the other terms' unit.
    if (Object.keys(u.dims).length === 0 && u.factor === 1) continue;
    if (Object.keys(first.dims).length === 0 && first.factor === 1) return u;
    if (!sameDims(first, u) || Math.abs(first.factor / u.factor - 1) > 1e-9) {
      throw new Error(`adds ${describe(first)} to ${describe(u)}`);
    }
  }
  return first;
}

function lookup(unitId: string | undefined, what: string, ctx: UnitContext): Dim {
  if (unitId === undefined) throw new Error(`${what} is not declared`);
  if (unitId === 'date') return DIMENSIONLESS;
  const u = ctx.unitOf(unitId);
  if (!u) throw new Error(`${what} has unknown unit ${JSON.stringify(unitId)}`);
  return { dims: clean(u.dims), factor: u.factor };
}
