/** @module What every page shares: the catalog, the caller's reach, the chosen period, and target status by the catalog's own rule. */
import type { Indicator, Level, Target } from '../../catalog/types.ts';
import { officialTarget, targetStatus } from '../../catalog/targets.ts';
import type { CatalogAnswer, HierarchyAnswer, HierarchyCenter } from './api.ts';
import type { ReportKind } from './periods.ts';
import { tx, lang } from './i18n.ts';
import type { Status } from './dom.ts';

export type ConsoleIndicator = CatalogAnswer['indicators'][number];

export interface AppState {
  catalog: CatalogAnswer;
  hierarchy: HierarchyAnswer;
  /** The one province the token may read, or undefined for nation-wide tokens. */
  province: string | undefined;
  kind: ReportKind;
  period: string;
  /** Newest closed period of each kind, as the hub reports it. */
  latest: Partial<Record<ReportKind, string>>;
  /** Indicator the map and rankings are coloured by. */
  mapIndicator: string;
  indicatorById: Map<string, ConsoleIndicator>;
  centerById: Map<string, HierarchyCenter & { province: string }>;
}

export function indexState(s: Omit<AppState, 'indicatorById' | 'centerById'>): AppState {
  const centerById = new Map<string, HierarchyCenter & { province: string }>();
  for (const p of s.hierarchy.provinces) for (const c of p.centers) centerById.set(c.id, { ...c, province: p.code });
  return { ...s, indicatorById: new Map(s.catalog.indicators.map((i) => [i.id, i])), centerById };
}

/** Additive indicators: their national totals are no yardstick for a province or a center. */
const ADDITIVE = new Set(['sum', 'count', 'count_if']);

/**
 * The official target that applies at `level`: the reports' rule (src/report/model.ts applicableTarget,
 * checked equal by src/console/targets.test.ts), so a page and a report of the same node never disagree.
 * A target scoped to another level still holds for ratios, shares and percentiles, not for totals or counts.
 */
export function applicableTarget(ind: ConsoleIndicator, level: Level): Target | undefined {
  const t = officialTarget(ind as Indicator);
  if (!t || t.op === undefined || t.value === undefined) return undefined;
  if (!t.scope || t.scope === level) return t;
  if (t.value === 0 && (t.op === '==' || t.op === '<=')) return t;
  return ADDITIVE.has(ind.computation.method) ? undefined : t;
}

/** met / missed / no_target / no_value, judged by src/catalog/targets.ts on the target that applies at `level`. */
export function statusOf(ind: ConsoleIndicator, level: Level, value: number | null): Status {
  if (!applicableTarget(ind, level)) return 'no_target';
  return targetStatus(ind as Indicator, value);
}

/** "≤ 1.5" plus the target's words and source for the hover text; empty when no official target applies. */
export function targetLabel(ind: ConsoleIndicator, level: Level): { short: string; long: string } {
  const t = applicableTarget(ind, level);
  if (!t || t.value === undefined || t.op === undefined) return { short: '', long: '' };
  const sign = { '>': '>', '>=': '≥', '<': '<', '<=': '≤', '==': '≈' }[t.op];
  return { short: `${sign} ${t.value}${ind.unit === '%' ? '%' : ''}`, long: `${tx(t.text)} (${t.source})` };
}

export function officialOf(ind: ConsoleIndicator, level: Level): { op: string; value: number } | undefined {
  const t = applicableTarget(ind, level);
  return t && t.op !== undefined && t.value !== undefined ? { op: t.op, value: t.value } : undefined;
}

export function provinceName(state: AppState, code: string): string {
  const p = state.catalog.provinces.find((x) => x.code === code);
  return p ? (lang() === 'zh' ? p.zh : p.en) : code;
}
