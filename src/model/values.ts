/** @module Indicator values: the levels of the hierarchy, evaluation windows, values and why one is null. */

/** The three levels of the hierarchy: a center, a province, the nation. */
export type Level = 'center' | 'province' | 'nation';

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
