/**
 * @module One window's evaluation state: the population of centers, their accumulators and per-center
 * quantity partials for every indicator, computed once and shared by every level.
 */
import type { Catalog, Indicator } from '../catalog/types.ts';
import type { Level, Window } from '../model/values.ts';
import type { Center } from '../model/centers.ts';
import type { ParsedRecord } from '../model/records.ts';
import type { RegistryIndex } from '../registry/load.ts';
import {
  Accumulation,
  layoutFor,
  slotCoverage,
  slotValue,
  type CenterAccumulator,
  type Layout,
} from '../records/merge.ts';
import type { Turns } from './turns.ts';
import { centerAttributes, compileFilter, type Attributes } from './filter.ts';
import { compileQuantity, type CompiledQuantity, type QuantityInputs } from './quantity.ts';

/** A population member: a center that exists in this window. */
export interface Member {
  index: number;
  center: Center;
  attrs: Attributes;
  /** Operating: expected to report telemetry. */
  expected: boolean;
  acc: CenterAccumulator | undefined;
  inputs: QuantityInputs;
}

/** Per-center numerator/denominator of a sum or ratio indicator; NaN marks a missing input. */
export interface Partials {
  num: Float64Array;
  den: Float64Array;
  /** 1 when the center matches the computation's filter (or there is none). */
  inFilter: Uint8Array;
  /** 1 when the center adds to the numerator (numerator_filter). */
  inNumerator: Uint8Array;
}

const REGISTRY_BOOL = new Set(['platform_connected']);

/** Whether a center exists during the window (see README: population). */
export function inPopulation(c: Center, w: Window): { member: boolean; expected: boolean } {
  const status = c.status ?? 'operating';
  const dec = c.decommission_date ? Date.parse(`${c.decommission_date}T00:00:00+08:00`) : undefined;
  if (dec !== undefined && dec <= w.fromMs) return { member: false, expected: false };
  if (status === 'decommissioned' && dec === undefined) return { member: false, expected: false };
  if (status === 'construction') return { member: true, expected: false };
  const com = c.commission_date ? Date.parse(`${c.commission_date}T00:00:00+08:00`) : undefined;
  if (com !== undefined && com >= w.toMs) return { member: false, expected: false };
  return { member: true, expected: true };
}

export class WindowState {
  readonly window: Window;
  readonly catalog: Catalog;
  readonly members: Member[];
  readonly byId: Map<string, Member>;
  readonly byProvince: Map<string, Member[]>;
  readonly hours: number;
  private readonly layout: Layout;
  private readonly partials = new Map<string, Partials>();
  private readonly params: Map<string, number>;

  /** The window state of `records`, folded in slices that give the event loop a turn when `turns` says one is due. */
  static async fold(
    catalog: Catalog,
    registry: RegistryIndex,
    window: Window,
    records: Iterable<ParsedRecord>,
    snapshotsBefore: Iterable<ParsedRecord>,
    turns: Turns,
  ): Promise<WindowState> {
    const acc = new Accumulation(catalog, window);
    for (const r of snapshotsBefore) acc.addStanding(r);
    let n = 0;
    for (const r of records) {
      acc.add(r);
      if ((++n & 255) === 0 && turns.due()) await turns.take();
    }
    return new WindowState(catalog, registry, window, acc.centers);
  }

  constructor(catalog: Catalog, registry: RegistryIndex, window: Window, accs: Map<string, CenterAccumulator>) {
    this.window = window;
    this.catalog = catalog;
    this.layout = layoutFor(catalog);
    this.hours = (window.toMs - window.fromMs) / 3_600_000;
    this.params = new Map();
    for (const p of catalog.parameters) if (typeof p.value === 'number') this.params.set(p.id, p.value);
    this.params.set('period_hours', this.hours);
    this.params.set('period_minutes', this.hours * 60);
    const newSince = String(catalog.parameters.find((p) => p.id === 'new_center_since')?.value ?? '2022-01-01');
    const national = this.params.get('ef_grid_national') ?? 0.5856;

    this.members = [];
    this.byId = new Map();
    this.byProvince = new Map();
    for (const c of registry.centers) {
      const pop = inPopulation(c, window);
      if (!pop.member) continue;
      const acc = accs.get(c.id);
      const efGrid = catalog.provinceByCode.get(c.province)?.grid_ef ?? national;
      const inputs = this.makeInputs(c, acc, efGrid);
      const m: Member = {
        index: this.members.length,
        center: c,
        attrs: centerAttributes(c, window, catalog, newSince),
        expected: pop.expected,
        acc,
        inputs,
      };
      this.members.push(m);
      this.byId.set(c.id, m);
      let list = this.byProvince.get(c.province);
      if (!list) this.byProvince.set(c.province, (list = []));
      list.push(m);
    }
  }

  private makeInputs(c: Center, acc: CenterAccumulator | undefined, efGrid: number): QuantityInputs {
    const { index } = this.layout;
    const layout = this.layout;
    const params = this.params;
    const reg = c as unknown as Record<string, unknown>;
    return {
      metric(id: string): number | undefined {
        const s = index[id];
        if (s !== undefined) return acc ? slotValue(acc, layout, s) : undefined;
        const v = reg[id];
        if (typeof v === 'number') return v;
        if (typeof v === 'boolean' || REGISTRY_BOOL.has(id)) return v === true ? 1 : v === false ? 0 : undefined;
        return undefined;
      },
      param(id: string): number | undefined {
        return id === 'ef_grid' ? efGrid : params.get(id);
      },
    };
  }

  /** Members of a level's node: one center, a province, or the nation. */
  group(level: Level, code: string): Member[] {
    if (level === 'nation') return this.members;
    if (level === 'province') return this.byProvince.get(code) ?? [];
    const m = this.byId.get(code);
    return m ? [m] : [];
  }

  /** Per-center partials of a sum or ratio indicator (computed once per window). */
  partialsOf(ind: Indicator): Partials {
    let p = this.partials.get(ind.id);
    if (p) return p;
    const c = ind.computation;
    const n = this.members.length;
    p = {
      num: new Float64Array(n),
      den: new Float64Array(n),
      inFilter: new Uint8Array(n),
      inNumerator: new Uint8Array(n),
    };
    let numQ: CompiledQuantity;
    let denQ: CompiledQuantity | undefined;
    let filter = compileFilter(undefined);
    let numFilter = compileFilter(undefined);
    if (c.method === 'sum') {
      numQ = compileQuantity(c.quantity);
      filter = compileFilter(c.filter);
    } else if (c.method === 'ratio_of_sums' || c.method === 'filtered_ratio_of_sums') {
      numQ = compileQuantity(c.numerator);
      denQ = compileQuantity(c.denominator);
      if (c.method === 'filtered_ratio_of_sums') filter = compileFilter(c.filter);
      else numFilter = compileFilter(c.numerator_filter);
    } else {
      throw new Error(`partials are for sums and ratios, not ${c.method}`);
    }
    for (const m of this.members) {
      const i = m.index;
      p.inFilter[i] = filter(m.attrs) ? 1 : 0;
      p.inNumerator[i] = numFilter(m.attrs) ? 1 : 0;
      if (!p.inFilter[i]) continue;
      const den = denQ ? denQ(m.inputs) : 0;
      // Outside the numerator's subset a center still adds its denominator (a share of the total).
      const num = p.inNumerator[i] ? numQ(m.inputs) : 0;
      p.num[i] = num === undefined ? NaN : num;
      p.den[i] = den === undefined ? NaN : den;
    }
    this.partials.set(ind.id, p);
    return p;
  }

  /** A center's window value of a raw metric (for conditions). */
  metricOf(m: Member, id: string): number | undefined {
    return m.inputs.metric(id);
  }

  /** Histogram counts of a center, if it has any for this window. */
  histogramOf(m: Member, id: string): number[] | undefined {
    const h = this.layout.histIndex[id];
    return h === undefined || !m.acc ? undefined : m.acc.hist[h];
  }

  /** Whether a member sent any telemetry record in the window. */
  reported(m: Member): boolean {
    return (m.acc?.telemetryRecords ?? 0) > 0;
  }

  /**
   * Fraction of the window covered by a member's telemetry that carries `metric` (a delta or mean): a center whose
   * records reported IT energy for half the window covers half, however many other records it sent.
   */
  timeCoverage(m: Member, metric: string): number {
    const s = this.layout.index[metric];
    return m.acc && s !== undefined ? slotCoverage(m.acc, this.window, s) : 0;
  }
}
