/**
 * @module The indicator engine: registry + center records for a window in, every indicator at every
 * center, province and the nation out.
 *
 * Roll-ups follow each indicator's rule exactly: sums and ratios add per-center numerators and
 * denominators and divide last (never a mean of ratios), filtered subsets are chosen before summing,
 * counts test each center's own value, percentiles merge histograms, derived values are computed at
 * each level after roll-up. A value that cannot be computed is null with a reason, never 0.
 * I/O is injected (`RecordSource`), so the engine is pure and testable without a database. Folding records
 * and evaluating give the event loop a turn every few milliseconds (turns.ts), so a hub keeps answering while
 * it evaluates a large fleet.
 */
import type { Catalog, Indicator, Operand } from '../catalog/types.ts';
import type { Level, IndicatorValue, NullReason, Window } from '../model/values.ts';
import type { ParsedRecord } from '../model/records.ts';
import type { RegistryIndex } from '../registry/load.ts';
import { WindowState, type Member } from './window-state.ts';
import { compileCondition, compileFilter } from './filter.ts';
import { mergedQuantile } from './histogram.ts';
import { shiftWindowBack, DEFAULT_TZ } from '../model/periods.ts';
import { computationRefs } from '../catalog/validate.ts';
import { Turns } from './turns.ts';

/** Where the engine gets records: everything overlapping a window, and earlier declarations. */
export interface RecordSource {
  /** Telemetry and declaration records whose interval overlaps [fromMs, toMs). */
  records(fromMs: number, toMs: number): Promise<ParsedRecord[]>;
  /** Declarations that started before `beforeMs` (their snapshots stand until replaced). */
  declarationsBefore?(beforeMs: number): Promise<ParsedRecord[]>;
}

/** A source over records held in memory. */
export function memorySource(records: ParsedRecord[]): RecordSource {
  return {
    async records(fromMs, toMs) {
      return records.filter((r) => r.endMs > fromMs && r.startMs < toMs);
    },
    async declarationsBefore(beforeMs) {
      return records.filter((r) => r.source === 'declaration' && r.startMs < beforeMs);
    },
  };
}

export interface EvaluateInput {
  catalog: Catalog;
  registry: RegistryIndex;
  window: Window;
  source: RecordSource;
  /** Time zone of named periods and calendar shifts (default Asia/Shanghai). */
  tz?: string;
  /** Levels to output (default all three). */
  levels?: Level[];
}

interface Core {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  centers: number;
  reason: NullReason | null;
}

const NATION = 'CN';

/** Evaluates every indicator for the window at the requested levels. */
export async function evaluate(input: EvaluateInput): Promise<IndicatorValue[]> {
  const { catalog, registry, window } = input;
  const tz = input.tz ?? DEFAULT_TZ;
  const turns = new Turns();
  const load = async (w: Window) => {
    const [records, before] = await Promise.all([
      input.source.records(w.fromMs, w.toMs),
      input.source.declarationsBefore?.(w.fromMs) ?? Promise.resolve([]),
    ]);
    return WindowState.fold(catalog, registry, w, records, before, turns);
  };
  const main = await load(window);
  const shifted = new Map<string, WindowState>();
  for (const shift of neededShifts(catalog))
    shifted.set(shift, await load(shiftWindowBack(window, shift as Operand['shift'] & string, tz)));
  return new Evaluator(catalog, main, shifted).run(input.levels ?? ['nation', 'province', 'center'], turns);
}

/** The windows an evaluation of `window` reads: the window itself, then each year- or month-earlier comparison. */
export function evaluationWindows(catalog: Catalog, window: Window, tz: string = DEFAULT_TZ): Window[] {
  return [
    window,
    ...[...neededShifts(catalog)].map((shift) => shiftWindowBack(window, shift as Operand['shift'] & string, tz)),
  ];
}

function neededShifts(catalog: Catalog): Set<string> {
  const out = new Set<string>();
  for (const ind of catalog.indicators) {
    if (ind.computation.method === 'derived') for (const o of ind.computation.operands) if (o.shift) out.add(o.shift);
  }
  return out;
}

/** Evaluates indicators over window states; caches center-level values for count conditions. */
export class Evaluator {
  private readonly centerValues = new Map<string, Map<string, number | null>>();
  private readonly coverageCache = new Map<string, IndicatorValue['coverage']>();
  private readonly catalog: Catalog;
  private readonly main: WindowState;
  private readonly shifted: Map<string, WindowState>;

  constructor(catalog: Catalog, main: WindowState, shifted: Map<string, WindowState>) {
    this.catalog = catalog;
    this.main = main;
    this.shifted = shifted;
  }

  /** Every indicator at every node of `levels`, taking a turn of the event loop whenever `turns` says one is due. */
  async run(levels: Level[], turns: Turns = new Turns()): Promise<IndicatorValue[]> {
    const out: IndicatorValue[] = [];
    const ws = this.main;
    const nodes: Array<[Level, string]> = [];
    if (levels.includes('nation')) nodes.push(['nation', NATION]);
    if (levels.includes('province')) for (const p of this.catalog.provinces) nodes.push(['province', p.code]);
    if (levels.includes('center'))
      for (const m of [...ws.members].sort((a, b) => (a.center.id < b.center.id ? -1 : 1)))
        nodes.push(['center', m.center.id]);
    for (const [level, code] of nodes) {
      const group = ws.group(level, code);
      const coverage = this.coverage(ws, level, code, group);
      for (const ind of this.catalog.indicators) {
        // The nation's first indicators compute every center's partials: a turn may be due within one node.
        if (turns.due()) await turns.take();
        const core: Core = ind.levels.includes(level)
          ? this.evalAt(ind, ws, level, group)
          : { value: null, numerator: null, denominator: null, centers: 0, reason: 'not_applicable' };
        out.push({
          level,
          code,
          indicator: ind.id,
          value: core.value,
          unit: ind.unit,
          numerator: core.numerator,
          denominator: core.denominator,
          centers: core.centers,
          coverage,
          reason: core.reason,
        });
      }
    }
    return out;
  }

  /** The value of `ind` over `group` (already the level's members) in window state `ws`. */
  evalAt(ind: Indicator, ws: WindowState, level: Level, group: Member[]): Core {
    const c = ind.computation;
    switch (c.method) {
      case 'sum':
      case 'ratio_of_sums':
      case 'filtered_ratio_of_sums':
        return this.sumOrRatio(ind, ws, group);
      case 'count': {
        const f = compileFilter(c.filter);
        let n = 0;
        for (const m of group) if (f(m.attrs)) n++;
        return { value: n, numerator: n, denominator: null, centers: n, reason: null };
      }
      case 'count_if':
      case 'share_if': {
        const f = compileFilter(c.filter);
        let yes = 0;
        let evaluated = 0;
        let candidates = 0;
        for (const m of group) {
          if (!f(m.attrs)) continue;
          candidates++;
          const test = compileCondition(c.condition, {
            indicator: (id) => this.centerValue(id, ws, m),
            metric: (id) => ws.metricOf(m, id),
          });
          const r = test();
          if (r === undefined) continue;
          evaluated++;
          if (r) yes++;
        }
        if (evaluated === 0)
          return {
            value: null,
            numerator: null,
            denominator: null,
            centers: 0,
            reason: candidates === 0 ? 'no_centers' : 'no_data',
          };
        const value = c.method === 'count_if' ? yes : (c.scale * yes) / evaluated;
        return { value, numerator: yes, denominator: evaluated, centers: evaluated, reason: null };
      }
      case 'percentile': {
        let merged: number[] | undefined;
        let n = 0;
        let withData = 0;
        for (const m of group) {
          if (m.acc) withData++;
          const h = ws.histogramOf(m, c.histogram);
          if (!h) continue;
          n++;
          if (!merged) merged = h.slice();
          else for (let i = 0; i < h.length; i++) merged[i]! += h[i]!;
        }
        const bounds = this.catalog.metricById.get(c.histogram)!.bounds!;
        const q = merged ? mergedQuantile(bounds, merged, c.quantile) : undefined;
        if (q === undefined)
          return {
            value: null,
            numerator: null,
            denominator: null,
            centers: n,
            reason: group.length === 0 ? 'no_centers' : withData > n ? 'missing_inputs' : 'no_data',
          };
        return { value: q, numerator: null, denominator: null, centers: n, reason: null };
      }
      case 'derived':
        return this.derived(ind, ws, level, group);
    }
  }

  private sumOrRatio(ind: Indicator, ws: WindowState, group: Member[]): Core {
    const c = ind.computation as Extract<
      Indicator['computation'],
      { method: 'sum' | 'ratio_of_sums' | 'filtered_ratio_of_sums' }
    >;
    const p = ws.partialsOf(ind);
    const isRatio = c.method !== 'sum';
    let num = 0;
    let den = 0;
    let n = 0;
    let inFilter = 0;
    let withData = 0;
    for (const m of group) {
      const i = m.index;
      if (!p.inFilter[i]) continue;
      inFilter++;
      if (m.acc) withData++;
      const x = p.num[i]!;
      const y = p.den[i]!;
      if (x !== x || (isRatio && y !== y)) continue; // NaN: a missing input leaves the center out entirely
      num += x;
      den += y;
      n++;
    }
    if (n === 0) {
      const reason: NullReason = inFilter === 0 ? 'no_centers' : withData > 0 ? 'missing_inputs' : 'no_data';
      return { value: null, numerator: null, denominator: null, centers: 0, reason };
    }
    if (!isRatio) return { value: num * c.scale, numerator: num, denominator: null, centers: n, reason: null };
    if (den === 0) return { value: null, numerator: num, denominator: den, centers: n, reason: 'zero_denominator' };
    const ratio = num / den;
    const complement = c.method === 'ratio_of_sums' && c.complement === true;
    return {
      value: (complement ? 1 - ratio : ratio) * c.scale,
      numerator: num,
      denominator: den,
      centers: n,
      reason: null,
    };
  }

  private derived(ind: Indicator, ws: WindowState, level: Level, group: Member[]): Core {
    const c = ind.computation as Extract<Indicator['computation'], { method: 'derived' }>;
    const code =
      level === 'nation'
        ? NATION
        : level === 'province'
          ? (group[0]?.center.province ?? '')
          : (group[0]?.center.id ?? '');
    const vals = c.operands.map((o) => {
      const v = this.operand(o, ws, level, code, group);
      // A change of a total counts from zero where no center was in service a year earlier (by the registry):
      // a province whose centers are all new added all of its compute. Growth rates stay undefined from zero.
      const fromNothing =
        c.op === 'ratio_of_changes' && o.shift !== undefined && level !== 'center' && v.reason === 'no_centers';
      return fromNothing ? { value: 0, numerator: 0, denominator: null, centers: 0, reason: null } : v;
    });
    if (vals.some((v) => v.value === null)) {
      const ownNull = vals[0]!.value === null;
      return {
        value: null,
        numerator: null,
        denominator: null,
        centers: vals[0]!.centers,
        reason: ownNull ? (vals[0]!.reason ?? 'no_data') : 'no_comparison_data',
      };
    }
    const [a, b, x, y] = vals.map((v) => v.value as number) as [number, number, number?, number?];
    const centers = vals[0]!.centers;
    switch (c.op) {
      case 'growth':
        if (b === 0) return { value: null, numerator: a, denominator: b, centers, reason: 'zero_denominator' };
        return { value: (a / b - 1) * c.scale, numerator: a, denominator: b, centers, reason: null };
      case 'difference':
        return { value: (a - b) * c.scale, numerator: a, denominator: b, centers, reason: null };
      case 'ratio_of_changes': {
        const dn = a - b;
        const dd = (x as number) - (y as number);
        if (dd === 0) return { value: null, numerator: dn, denominator: dd, centers, reason: 'zero_denominator' };
        return { value: (dn / dd) * c.scale, numerator: dn, denominator: dd, centers, reason: null };
      }
    }
  }

  private operand(o: Operand, ws: WindowState, level: Level, code: string, group: Member[]): Core {
    const target = o.shift ? this.shifted.get(o.shift)! : ws;
    const ind = this.catalog.indicatorById.get(o.indicator)!;
    let members = target === ws ? group : target.group(level, code);
    const population = members.length;
    if (o.filter) {
      const f = compileFilter(o.filter);
      members = members.filter((m) => f(m.attrs));
    }
    // Centers outside the filter or absent a year ago simply are not in the subset.
    if (level === 'center' && members.length === 0)
      return { value: null, numerator: null, denominator: null, centers: 0, reason: 'no_centers' };
    // A total over no centers is a known zero when the level had centers but none in the subset (no hub center
    // yet). A level without any center has no value; centers in service without records stay "no data".
    if (members.length === 0 && population > 0 && ind.computation.method === 'sum')
      return { value: 0, numerator: 0, denominator: null, centers: 0, reason: null };
    return this.evalAt(ind, target, level, members);
  }

  /** A center's own value of an indicator (cached): what count conditions test. */
  centerValue(id: string, ws: WindowState, m: Member): number | null {
    const key = ws === this.main ? id : `${id}@${ws.window.fromMs}`;
    let cache = this.centerValues.get(key);
    if (!cache) this.centerValues.set(key, (cache = new Map()));
    if (cache.has(m.center.id)) return cache.get(m.center.id)!;
    const ind = this.catalog.indicatorById.get(id)!;
    const v = this.evalAt(ind, ws, 'center', [m]).value;
    cache.set(m.center.id, v);
    return v;
  }

  /** Share of expected centers that reported and share of expected IT energy reported. */
  coverage(ws: WindowState, level: Level, code: string, group: Member[]): IndicatorValue['coverage'] {
    const key = `${level}/${code}`;
    const hit = this.coverageCache.get(key);
    if (hit) return hit;
    let result: IndicatorValue['coverage'];
    if (level === 'center') {
      const m = group[0];
      result =
        !m || !m.expected
          ? { centers: null, it_energy: null }
          : { centers: ws.reported(m) ? 1 : 0, it_energy: ws.reported(m) ? round(ws.timeCoverage(m, 'e_it_kwh')) : 0 };
    } else {
      const expected = group.filter((m) => m.expected);
      let reporters = 0;
      let reportedE = 0;
      let expectedE = 0;
      let capacityH = 0;
      const silent: Member[] = [];
      for (const m of expected) {
        if (!ws.reported(m)) {
          silent.push(m);
          continue;
        }
        reporters++;
        const e = m.inputs.metric('e_it_kwh');
        const frac = ws.timeCoverage(m, 'e_it_kwh');
        if (e === undefined || frac <= 0) continue;
        reportedE += e;
        expectedE += e / frac;
        capacityH += m.center.it_rated_kw * ws.hours;
      }
      // Centers that did not report are expected to use their rated IT power at the reporters' load factor.
      const loadFactor = capacityH > 0 ? expectedE / capacityH : undefined;
      if (loadFactor !== undefined) for (const m of silent) expectedE += m.center.it_rated_kw * ws.hours * loadFactor;
      result = {
        centers: expected.length === 0 ? null : round(reporters / expected.length),
        it_energy: loadFactor === undefined || expectedE === 0 ? null : round(reportedE / expectedE),
      };
    }
    this.coverageCache.set(key, result);
    return result;
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Indicators an indicator depends on (for documentation and ordering). */
export function dependencies(ind: Indicator): string[] {
  return [...computationRefs(ind.computation).indicators];
}
