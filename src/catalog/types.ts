/** @module Types of the catalog's data files: indicators, raw metrics, units, reference tables. */
import type { Level } from '../model/values.ts';

export type Dimension = 'A' | 'B' | 'C' | 'D';
export type Direction = 'higher' | 'lower' | 'monitor';

export interface Text {
  zh: string;
  en: string;
}

/** A per-center quantity over a window, as a tree (see indicator.schema.json#/$defs/quantity). */
export type Quantity =
  | { metric: string; default?: number }
  | { param: string }
  | { const: number }
  | { sum: Quantity[] }
  | { difference: [Quantity, Quantity] }
  | { product: Quantity[] }
  | { quotient: [Quantity, Quantity] }
  | { max: Quantity[] };

export interface Predicate {
  attr: string;
  eq?: string | number | boolean | null;
  ne?: string | number | boolean | null;
  in?: Array<string | number>;
  gte?: number;
  lt?: number;
}

export type Filter = Predicate | { all: Filter[] } | { any: Filter[] };

export type CompareOp = '>' | '>=' | '<' | '<=' | '==' | '!=';

export interface Comparison {
  indicator?: string;
  metric?: string;
  op: CompareOp;
  value: number;
}

export type Condition = Comparison | { all: Condition[] } | { any: Condition[] };

export interface Operand {
  indicator: string;
  filter?: Filter;
  shift?: 'P1Y' | 'P1M' | 'P3M';
}

export type Computation =
  | { method: 'sum'; quantity: Quantity; filter?: Filter; scale: number }
  | {
      method: 'ratio_of_sums';
      numerator: Quantity;
      denominator: Quantity;
      numerator_filter?: Filter;
      complement?: boolean;
      scale: number;
    }
  | { method: 'filtered_ratio_of_sums'; numerator: Quantity; denominator: Quantity; filter: Filter; scale: number }
  | { method: 'count'; filter?: Filter }
  | { method: 'count_if'; filter?: Filter; condition: Condition }
  | { method: 'share_if'; filter?: Filter; condition: Condition; scale: number }
  | { method: 'percentile'; histogram: string; quantile: number }
  | { method: 'derived'; op: 'growth' | 'difference' | 'ratio_of_changes'; operands: Operand[]; scale: number };

export type Method = Computation['method'];

export interface Target {
  op?: '>' | '>=' | '<' | '<=' | '==';
  value?: number;
  by?: string;
  scope?: TargetScope;
  official?: boolean;
  text: Text;
  source: string;
  status?: 'verified' | 'secondary' | 'unverified';
}

export interface Thresholds {
  op: '>' | '<';
  warning?: number;
  critical?: number;
  levels: Level[];
  for?: string;
}

export interface Indicator {
  code: string;
  id: string;
  dimension: Dimension;
  name: Text;
  description: Text;
  unit: string;
  direction: Direction;
  levels: Level[];
  computation: Computation;
  raw_metrics: string[];
  targets: Target[];
  thresholds?: Thresholds;
  stability: 'experimental' | 'stable' | 'deprecated';
  decision?: Text;
  variants?: string[];
  /** Path of the file it was loaded from (set by the loader). */
  file: string;
}

export type MetricKind = 'delta' | 'gauge' | 'snapshot' | 'histogram';
export type MetricSource = 'telemetry' | 'registry' | 'declaration';

export interface RawMetric {
  id: string;
  unit: string;
  kind: MetricKind;
  stat?: 'mean' | 'max';
  source: MetricSource;
  bounds?: number[];
  zh: string;
  en: string;
}

export interface Unit {
  id: string;
  dims: Record<string, number>;
  factor: number;
}

export interface Province {
  code: string;
  zh: string;
  en: string;
  abbr: string;
  hub_node: string | null;
  lat: number;
  lon: number;
  grid_ef: number | null;
}

export interface HubNode {
  id: string;
  zh: string;
  en: string;
  clusters: string[];
}

export interface HubCluster {
  id: string;
  zh: string;
  en: string;
  province: string;
}

export interface Parameter {
  id: string;
  value: number | string;
  unit: string;
  source: string | null;
  status: string;
  zh: string;
  en: string;
}

/** A level of the hierarchy with its names (reference/levels.yaml). */
export interface LevelInfo {
  id: Level;
  zh: string;
  en: string;
}

/** A name in both languages for one id of a fixed vocabulary (directions, target scopes). */
export interface Named<Id extends string> {
  id: Id;
  zh: string;
  en: string;
}

export type TargetScope = 'center' | 'province' | 'nation' | 'hub' | 'new_large' | 'new_hub';

export interface DimensionInfo {
  id: Dimension;
  zh: string;
  en: string;
  /** The national guide's construction direction it maps to. */
  guide: string;
}

export interface Source {
  id: string;
  title: string;
  url: string;
}

/** The whole validated catalog: what every other part of dims reads. */
export interface Catalog {
  version: string;
  indicators: Indicator[];
  dimensions: DimensionInfo[];
  /** center, province, nation, with their names. */
  levels: LevelInfo[];
  /** higher, lower, monitor, with their names (reference/directions.yaml). */
  directions: Named<Direction>[];
  /** What targets apply to, with their names (reference/target-scopes.yaml). */
  targetScopes: Named<TargetScope>[];
  metrics: RawMetric[];
  units: Unit[];
  provinces: Province[];
  hubNodes: HubNode[];
  clusters: HubCluster[];
  parameters: Parameter[];
  sources: Source[];
  /** Lookups built once by the loader. */
  indicatorById: Map<string, Indicator>;
  metricById: Map<string, RawMetric>;
  provinceByCode: Map<string, Province>;
  dimensionById: Map<Dimension, DimensionInfo>;
  levelById: Map<Level, LevelInfo>;
}
