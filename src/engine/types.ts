/** @module Types the engine reads and writes: center records, registry centers, windows, indicator values. */
import type { Level } from '../catalog/types.ts';

/** A latency histogram: counts per bucket; `counts` has one more entry than `bounds` (+Inf). */
export interface Histogram {
  bounds: number[];
  counts: number[];
}

/**
 * One center's data for one half-open interval [start, end): the contract between agent, hub and engine.
 * Deltas are increases over the interval, gauges interval statistics, snapshots the value at `end`.
 * `center` + `start` (+ `source`) identify it: a replay of the same record changes nothing.
 */
export interface CenterRecord {
  center: string;
  /** RFC 3339. */
  start: string;
  /** RFC 3339, after start. */
  end: string;
  /** telemetry (default: agents) or declaration (periodic filings). */
  source?: 'telemetry' | 'declaration';
  metrics: Record<string, number | boolean>;
  histograms?: Record<string, Histogram>;
  /** Collection quality: targets expected and the ids of those that gave no reading this interval. */
  quality?: { targets_expected?: number; targets_missing?: string[]; metrics_missing?: string[]; estimated?: string[] };
  /** Optional explicit idempotency key; defaults to `${center}/${start}`. */
  key?: string;
}

/** A record after validation, with parsed times (ms since epoch) for fast evaluation. */
export interface ParsedRecord {
  center: string;
  startMs: number;
  endMs: number;
  source: 'telemetry' | 'declaration';
  metrics: Record<string, number>;
  histograms?: Record<string, Histogram>;
}

export type CenterType = 'general' | 'intelligent' | 'supercomputing';
export type SizeClass = 'small' | 'medium' | 'large' | 'hyperscale';
export type CenterStatus = 'operating' | 'construction' | 'decommissioned';

/** A center's static facts, from the deployment's registry file. */
export interface Center {
  id: string;
  name: string;
  province: string;
  city?: string;
  type: CenterType;
  hub_cluster: string | null;
  commission_date: string | null;
  decommission_date?: string | null;
  size_class: SizeClass;
  status?: CenterStatus;
  racks_design: number;
  racks_installed: number;
  it_rated_kw: number;
  grid_capacity_kw: number;
  it_pipeline_kw?: number;
  liquid_cooled_it_kw?: number;
  dr_capacity_kw?: number;
  wan_bandwidth_gbps?: number;
  platform_connected?: boolean;
  storage_total_tb?: number;
  storage_flash_tb?: number;
  operator?: string;
  lat?: number;
  lon?: number;
}

export interface Registry {
  centers: Center[];
}

/** A half-open evaluation window in ms since epoch, with an optional period name (2026-10, 2026-Q3 …). */
export interface Window {
  fromMs: number;
  toMs: number;
  period?: string;
}

/** Why a value is null: never a silent 0. */
export type NullReason =
  'no_data' | 'zero_denominator' | 'not_applicable' | 'no_centers' | 'no_comparison_data' | 'missing_inputs';

/** One indicator at one node of the hierarchy for one window. */
export interface IndicatorValue {
  level: Level;
  /** Center id, province code, or CN. */
  code: string;
  indicator: string;
  value: number | null;
  unit: string;
  numerator: number | null;
  denominator: number | null;
  /** Centers whose data contributed. */
  centers: number;
  /** Share of expected centers that reported, and share of expected IT energy reported (0..1). */
  coverage: { centers: number | null; it_energy: number | null };
  reason: NullReason | null;
}
