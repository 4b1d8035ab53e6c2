/**
 * @module The shape of a report: the model every renderer (xlsx, csv, json) reads, and the request it answers.
 */
import type { Indicator, Target } from '../catalog/types.ts';
import type { Lang } from '../catalog/docs.ts';

export type ReportFormat = 'xlsx' | 'csv' | 'json';
export const FORMATS: ReportFormat[] = ['xlsx', 'csv', 'json'];
export type ReportPeriodKind = 'month' | 'quarter' | 'year';
export type TargetState = 'met' | 'missed' | 'no_target' | 'no_value';
export type QualityIssue = 'not_reported' | 'late' | 'downtime' | 'declaration_missing';

/** What to report on. */
export interface ReportRequest {
  /** A province code (GB/T 2260) or `nation`. */
  scope: string;
  /** 2026-10, 2026-Q3 or 2026. */
  period: string;
  lang?: Lang;
  /** When the report is generated (RFC 3339 or Date); an input so the output is reproducible. */
  generatedAt: string | Date;
  /** Hide cross-province breakdown values of fewer than `minCenters` centers. */
  suppress?: boolean;
  minCenters?: number;
  /** Data ending this long before the period end counts as late (default one hour). */
  lateGraceMs?: number;
}

export interface Comparison {
  period: string;
  value: number | null;
  /** value − comparison value, in the indicator's unit (percentage points for %). */
  change: number | null;
  /** Relative change in percent of the comparison value's magnitude; null when it is 0 or missing. */
  change_pct: number | null;
}

export interface TargetInfo {
  op: NonNullable<Target['op']>;
  value: number;
  text: string;
  source: string;
  scope: string | null;
}

export interface SummaryRow {
  indicator: string;
  code: string;
  dimension: string;
  dimension_name: string;
  name: string;
  unit: string;
  direction: Indicator['direction'];
  value: number | null;
  reason: string | null;
  centers: number;
  coverage: { centers: number | null; it_energy: number | null };
  target: TargetInfo | null;
  target_status: TargetState;
  /** Rank among provinces (1 best, in the indicator's direction; ties share); province reports only. */
  rank: number | null;
  rank_of: number | null;
  previous: Comparison;
  year_ago: Comparison;
}

export interface Cell {
  value: number | null;
  reason: string | null;
  centers: number;
  target_status: TargetState;
  /** Among provinces (province breakdown of the national report); null for centers. */
  rank: number | null;
  suppressed: boolean;
}

export interface BreakdownRow {
  code: string;
  name: string;
  province: string;
  /** Share of the period the center's telemetry covers, or of expected centers that reported (provinces). */
  coverage: number | null;
  cells: Cell[];
}

export interface Breakdown {
  level: 'center' | 'province';
  /** Indicator ids, the column order of every row's cells. */
  indicators: string[];
  /** The official target that applies at the breakdown's level, per column (null: none applies). */
  targets: Array<TargetInfo | null>;
  rows: BreakdownRow[];
}

export interface CenterQuality {
  center: string;
  name: string;
  province: string;
  issues: QualityIssue[];
  time_coverage: number | null;
  downtime_hours: number | null;
  last_data: string | null;
  /** Raw metric ids of the filings the center's values lacked. */
  declarations_missing: string[];
}

export interface ProvinceQuality {
  province: string;
  name: string;
  centers_expected: number;
  centers_reported: number;
  not_reported: number;
  late: number;
  downtime: number;
  declaration_missing: number;
}

export interface ReportModel {
  report: 'dims.report';
  schema_version: 1;
  lang: Lang;
  level: 'province' | 'nation';
  scope: { code: string; name: string };
  period: {
    name: string;
    kind: ReportPeriodKind;
    from: string;
    to: string;
    tz: string;
    previous: string;
    year_ago: string;
    closed: boolean;
  };
  generated_at: string;
  catalog_version: string;
  coverage: {
    has_data: boolean;
    computed: boolean;
    centers_expected: number;
    centers_reported: number;
    centers: number | null;
    it_energy: number | null;
  };
  suppression: { enabled: boolean; min_centers: number; hidden: number };
  summary: SummaryRow[];
  breakdown: Breakdown;
  quality: { centers: CenterQuality[]; provinces: ProvinceQuality[] };
  definitions: Definition[];
}

export interface Definition {
  indicator: string;
  code: string;
  dimension: string;
  name: string;
  unit: string;
  direction: string;
  levels: string;
  description: string;
  formula: string;
  data_sources: string;
  target: string;
  target_source: string;
}
