/**
 * @module Cross-checks over a schema-valid catalog: uniqueness, 15 per dimension, references, units, filters.
 *
 * Schemas check each file alone; these checks look across files (like Prometheus' rulefmt).
 */
import path from 'node:path';
import type { Catalog, Computation, Condition, Filter, Indicator, Quantity } from './types.ts';
import type { CatalogProblem } from './errors.ts';
import { DIMENSION_DIRS } from './paths.ts';
import { unitOfQuantity, multiply, sameDims, describe, DIMENSIONLESS, type Dim, type UnitContext } from './units.ts';
import { registryAttributes, registryEnums, booleanAttributes } from './registry-attributes.ts';

/** Metric ids a quantity tree reads. */
export function quantityMetrics(q: Quantity, out: Set<string> = new Set()): Set<string> {
  if ('metric' in q) out.add(q.metric);
  else if ('sum' in q) q.sum.forEach((x) => quantityMetrics(x, out));
  else if ('difference' in q) q.difference.forEach((x) => quantityMetrics(x, out));
  else if ('product' in q) q.product.forEach((x) => quantityMetrics(x, out));
  else if ('quotient' in q) q.quotient.forEach((x) => quantityMetrics(x, out));
  else if ('max' in q) q.max.forEach((x) => quantityMetrics(x, out));
  return out;
}

function quantityParams(q: Quantity, out: Set<string> = new Set()): Set<string> {
  if ('param' in q) out.add(q.param);
  for (const key of ['sum', 'difference', 'product', 'quotient', 'max'] as const) {
    const terms = (q as Record<string, Quantity[] | undefined>)[key];
    if (Array.isArray(terms)) terms.forEach((x) => quantityParams(x, out));
  }
  return out;
}

function conditionParts(c: Condition, metrics: Set<string>, indicators: Set<string>): void {
  if ('all' in c) c.all.forEach((x) => conditionParts(x, metrics, indicators));
  else if ('any' in c) c.any.forEach((x) => conditionParts(x, metrics, indicators));
  else {
    if (c.metric) metrics.add(c.metric);
    if (c.indicator) indicators.add(c.indicator);
  }
}

function filterAttrs(f: Filter, out: Array<{ attr: string; values: unknown[] }> = []) {
  if ('all' in f) f.all.forEach((x) => filterAttrs(x, out));
  else if ('any' in f) f.any.forEach((x) => filterAttrs(x, out));
  else out.push({ attr: f.attr, values: [f.eq, f.ne, ...(f.in ?? [])].filter((v) => v !== undefined && v !== null) });
  return out;
}

/** The raw metrics, indicators and filters a computation refers to directly. */
export function computationRefs(c: Computation) {
  const metrics = new Set<string>();
  const indicators = new Set<string>();
  const filters: Filter[] = [];
  const quantities: Quantity[] = [];
  switch (c.method) {
    case 'sum':
      quantities.push(c.quantity);
      if (c.filter) filters.push(c.filter);
      break;
    case 'ratio_of_sums':
    case 'filtered_ratio_of_sums':
      quantities.push(c.numerator, c.denominator);
      if ('filter' in c && c.filter) filters.push(c.filter);
      if ('numerator_filter' in c && c.numerator_filter) filters.push(c.numerator_filter);
      break;
    case 'count':
      if (c.filter) filters.push(c.filter);
      break;
    case 'count_if':
    case 'share_if':
      if (c.filter) filters.push(c.filter);
      conditionParts(c.condition, metrics, indicators);
      break;
    case 'percentile':
      metrics.add(c.histogram);
      break;
    case 'derived':
      for (const o of c.operands) {
        indicators.add(o.indicator);
        if (o.filter) filters.push(o.filter);
      }
      break;
  }
  for (const q of quantities) quantityMetrics(q, metrics);
  const params = new Set<string>();
  for (const q of quantities) quantityParams(q, params);
  return { metrics, indicators, filters, params };
}

const OPERAND_COUNT = { growth: 2, difference: 2, ratio_of_changes: 4 } as const;

/** Runs every cross-check; returns the problems found (empty when the catalog is sound). */
export function crossCheck(catalog: Catalog): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const add = (file: string, p: string, message: string, value?: unknown) =>
    problems.push({ file, path: p, message, value });
  const attrs = registryAttributes();
  const enums = registryEnums();
  const booleans = booleanAttributes();
  const unitIds = new Map(catalog.units.map((u) => [u.id, u]));
  const paramIds = new Map(catalog.parameters.map((p) => [p.id, p]));
  const sourceIds = new Set(catalog.sources.map((s) => s.id));
  const ctx: UnitContext = {
    unitOf: (id) => unitIds.get(id),
    metricUnit: (m) => catalog.metricById.get(m)?.unit,
    paramUnit: (p) => paramIds.get(p)?.unit,
  };

  // Raw metrics: unique ids, known units.
  const seenMetric = new Set<string>();
  for (const [i, m] of catalog.metrics.entries()) {
    if (seenMetric.has(m.id)) add('indicators/raw-metrics.yaml', `/metrics/${i}/id`, 'is declared twice', m.id);
    seenMetric.add(m.id);
    if (!unitIds.has(m.unit))
      add('indicators/raw-metrics.yaml', `/metrics/${i}/unit`, 'is not in reference/units.yaml', m.unit);
  }

  // Provinces and hubs.
  const nodeIds = new Set(catalog.hubNodes.map((h) => h.id));
  const codes = new Set<string>();
  for (const [i, p] of catalog.provinces.entries()) {
    if (codes.has(p.code)) add('indicators/reference/provinces.yaml', `/provinces/${i}/code`, 'is used twice', p.code);
    codes.add(p.code);
    if (p.hub_node !== null && !nodeIds.has(p.hub_node))
      add(
        'indicators/reference/provinces.yaml',
        `/provinces/${i}/hub_node`,
        'is not a hub node in hub-clusters.yaml',
        p.hub_node,
      );
  }
  for (const [i, c] of catalog.clusters.entries()) {
    if (!codes.has(c.province))
      add('indicators/reference/hub-clusters.yaml', `/clusters/${i}/province`, 'is not a province code', c.province);
  }

  // Indicators: identity.
  const byId = new Map<string, Indicator>();
  const byCode = new Map<string, Indicator>();
  const perDimension: Record<string, number> = { A: 0, B: 0, C: 0, D: 0 };
  for (const ind of catalog.indicators) {
    if (byId.has(ind.id)) add(ind.file, '/id', `is also used by ${byId.get(ind.id)!.file}`, ind.id);
    if (byCode.has(ind.code)) add(ind.file, '/code', `is also used by ${byCode.get(ind.code)!.file}`, ind.code);
    byId.set(ind.id, ind);
    byCode.set(ind.code, ind);
    perDimension[ind.dimension] = (perDimension[ind.dimension] ?? 0) + 1;
    if (ind.code[0] !== ind.dimension) add(ind.file, '/dimension', `does not match code ${ind.code}`, ind.dimension);
    const expectedName = `${ind.code}-${ind.id}.yaml`;
    if (path.basename(ind.file) !== expectedName) add(ind.file, '/', `file must be named ${expectedName}`);
    if (path.basename(path.dirname(ind.file)) !== DIMENSION_DIRS[ind.dimension])
      add(ind.file, '/', `file must be in ${DIMENSION_DIRS[ind.dimension]}/`);
  }
  for (const [dim, n] of Object.entries(perDimension)) {
    if (n !== 15) add('indicators/', `/${dim}`, `dimension ${dim} must have exactly 15 indicators`, n);
  }

  // Indicators: references, units, filters.
  for (const ind of catalog.indicators) {
    const c = ind.computation;
    const refs = computationRefs(c);
    for (const m of refs.metrics)
      if (!catalog.metricById.has(m)) add(ind.file, '/computation', 'refers to an undeclared raw metric', m);
    for (const p of refs.params)
      if (!paramIds.has(p)) add(ind.file, '/computation', 'refers to an unknown parameter', p);
    for (const i of refs.indicators)
      if (!byId.has(i)) add(ind.file, '/computation', 'refers to an unknown indicator', i);
    const declared = new Set(ind.raw_metrics);
    for (const m of ind.raw_metrics)
      if (!catalog.metricById.has(m)) add(ind.file, '/raw_metrics', 'lists an undeclared raw metric', m);
    for (const m of refs.metrics)
      if (!declared.has(m)) add(ind.file, '/raw_metrics', 'must list every metric the computation reads; missing', m);
    for (const m of declared)
      if (!refs.metrics.has(m)) add(ind.file, '/raw_metrics', 'lists a metric the computation does not read', m);
    for (const f of refs.filters) {
      for (const { attr, values } of filterAttrs(f)) {
        if (!attrs.has(attr)) add(ind.file, '/computation', 'filters on an attribute the registry does not have', attr);
        if (booleans.has(attr))
          for (const v of values)
            if (typeof v !== 'boolean')
              add(
                ind.file,
                '/computation',
                `filters the yes/no attribute ${attr} on a value that is not true or false`,
                v,
              );
        const allowed = enums.get(attr);
        if (allowed)
          for (const v of values)
            if (!allowed.has(String(v))) add(ind.file, '/computation', `filters ${attr} on a value it cannot take`, v);
      }
    }
    if (!unitIds.has(ind.unit)) add(ind.file, '/unit', 'is not in reference/units.yaml', ind.unit);
    if (ind.thresholds)
      for (const l of ind.thresholds.levels)
        if (!ind.levels.includes(l))
          add(ind.file, '/thresholds/levels', 'names a level the indicator does not apply at', l);
    for (const [i, t] of ind.targets.entries())
      if (!sourceIds.has(t.source)) add(ind.file, `/targets/${i}/source`, 'is not in sources.yaml', t.source);
    if (c.method === 'derived' && c.operands.length !== OPERAND_COUNT[c.op])
      add(ind.file, '/computation/operands', `${c.op} takes ${OPERAND_COUNT[c.op]} operands`, c.operands.length);
    if (c.method === 'percentile' && catalog.metricById.get(c.histogram)?.kind !== 'histogram')
      add(ind.file, '/computation/histogram', 'must be a histogram metric', c.histogram);
    if (c.method !== 'percentile') {
      for (const m of refs.metrics)
        if (catalog.metricById.get(m)?.kind === 'histogram')
          add(ind.file, '/computation', 'reads a histogram outside a percentile', m);
    }
    try {
      const problem = unitProblem(ind, catalog, ctx);
      if (problem) add(ind.file, '/unit', problem, ind.unit);
    } catch (err) {
      add(ind.file, '/computation', `has inconsistent units: ${(err as Error).message}`);
    }
  }

  // No cycles through indicator references (derived operands, count_if conditions).
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (id: string, trail: string[]): void => {
    if (done.has(id)) return;
    const ind = byId.get(id);
    if (!ind) return;
    if (visiting.has(id)) {
      add(ind.file, '/computation', `indicator references form a cycle: ${[...trail, id].join(' → ')}`);
      return;
    }
    visiting.add(id);
    for (const next of computationRefs(ind.computation).indicators) visit(next, [...trail, id]);
    visiting.delete(id);
    done.add(id);
  };
  for (const ind of catalog.indicators) visit(ind.id, []);
  return problems;
}

function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Checks that `scale × unit(numerator)/unit(denominator)` is the indicator's unit; returns a message or null. */
function unitProblem(ind: Indicator, catalog: Catalog, ctx: UnitContext): string | null {
  const u = ctx.unitOf(ind.unit);
  if (!u) return null;
  const target: Dim = { dims: u.dims, factor: u.factor };
  const c = ind.computation;
  const expect = (got: Dim, scale: number): string | null => {
    if (!sameDims(got, target)) return `does not match the computation's unit ${describe(got)}`;
    const want = got.factor / target.factor;
    return near(scale, want) ? null : `needs scale ${want} for a computation in ${describe(got)}, scale is ${scale}`;
  };
  switch (c.method) {
    case 'sum':
      return expect(unitOfQuantity(c.quantity, ctx), c.scale);
    case 'ratio_of_sums':
    case 'filtered_ratio_of_sums': {
      const ratio = multiply(unitOfQuantity(c.numerator, ctx), unitOfQuantity(c.denominator, ctx), -1);
      if ('complement' in c && c.complement && !sameDims(ratio, DIMENSIONLESS))
        return 'complement needs a dimensionless ratio';
      return expect(ratio, c.scale);
    }
    case 'count':
    case 'count_if':
      return ind.unit === 'count' ? null : 'a count must have unit count';
    case 'share_if':
      return expect(DIMENSIONLESS, c.scale);
    case 'percentile':
      return catalog.metricById.get(c.histogram)?.unit === ind.unit
        ? null
        : `must equal the histogram's unit ${catalog.metricById.get(c.histogram)?.unit}`;
    case 'derived': {
      const operandUnits = c.operands.map((o) => catalog.indicatorById.get(o.indicator)?.unit);
      if (c.op === 'difference') {
        if (operandUnits[0] !== operandUnits[1])
          return `difference of indicators in different units (${operandUnits.join(', ')})`;
        const ok = ind.unit === operandUnits[0] || (operandUnits[0] === '%' && ind.unit === 'pp');
        return ok && c.scale === 1
          ? null
          : `a difference keeps its operands' unit (${operandUnits[0]}, or pp for %) with scale 1`;
      }
      return expect(DIMENSIONLESS, c.scale);
    }
  }
}
