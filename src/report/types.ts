/**
 * @module The shape of a report: the model every renderer (xlsx, csv, json) reads, and the request it answers.
 */
import type { Indicator, Target } from '../catalog/types.ts';
import type { Lang } from '../catalog/docs.ts';

export type ReportFormat = 'xlsx' | 'csv' | 'json' | 'pdf';
export const FORMATS: ReportFormat[] = ['xlsx', 'csv', 'json', 'pdf'];
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
  /** The deployment's statistical form header. */
  form?: FormConfig;
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
  /** Rank among provinces (province report) or among the province's centers (center report); 1 best, ties share. */
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

/** A trend line: the scope's values over the last periods, the nation's beside (null in the national report). */
export interface Trend {
  indicator: string;
  name: string;
  unit: string;
  periods: string[];
  values: Array<number | null>;
  nation: Array<number | null> | null;
}

/** What a report's charts show (see charts.yaml); the charts themselves are drawn from the model. */
export interface ChartData {
  /** Ranked indicators: among provinces (province report) or among the province's centers (center report). */
  headline: string[];
  trends: Trend[];
  /** The spread of one indicator over the province's centers; `mark` is the center's own value (center report). */
  distribution: { indicator: string; values: number[]; mark: number | null } | null;
  /** Indicators drawn as bars of every province (national report). */
  provinces: string[];
}

/** The statistical form's header (统计报表表头), configured per deployment; empty fields print as blanks to fill in. */
export interface FormHeader {
  /** 表号 */
  table_no: string;
  /** 制表机关 */
  authority: string;
  /** 批准机关 */
  approved_by: string;
  /** 批准文号 */
  approval_no: string;
  /** 有效期至 */
  valid_until: string;
  /** 填报单位 */
  unit: string;
  /** 单位负责人 */
  unit_head: string;
  /** 统计负责人 */
  stats_head: string;
  /** 填表人 */
  preparer: string;
  /** 报出日期 (default: the generation date, local) */
  submitted: string;
}

/** A deployment's form header: the same fields, and the reporting unit per scope (province code, `nation`, center id). */
export type FormConfig = Partial<FormHeader> & { units?: Record<string, string> };

/** An indicator that changed notably since the previous period (center report). */
export interface Change {
  indicator: string;
  code: string;
  name: string;
  unit: string;
  value: number | null;
  previous: number | null;
  change: number | null;
  change_pct: number | null;
  status: TargetState;
  previous_status: TargetState;
  /** Why it is listed: the target status changed, or the value moved by at least the threshold. */
  why: 'status' | 'moved' | 'appeared' | 'vanished';
}

/** A center's own reporting completeness (center report). */
export interface Completeness {
  expected: boolean;
  reported: boolean;
  time_coverage: number | null;
  downtime_hours: number | null;
  last_data: string | null;
  declarations_missing: string[];
  issues: QualityIssue[];
}

export interface ReportModel {
  report: 'dims.report';
  schema_version: 2;
  lang: Lang;
  level: 'province' | 'nation' | 'center';
  scope: { code: string; name: string };
  /** The center's province (center report); null otherwise. */
  province: { code: string; name: string } | null;
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
  form: FormHeader;
  summary: SummaryRow[];
  /** Centers (province report), provinces (national report); no rows in a center report. */
  breakdown: Breakdown;
  quality: { centers: CenterQuality[]; provinces: ProvinceQuality[] };
  /** The center's completeness (center report); null otherwise. */
  completeness: Completeness | null;
  /** Notable changes since the previous period (center report); empty otherwise. */
  changes: Change[];
  charts: ChartData;
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
