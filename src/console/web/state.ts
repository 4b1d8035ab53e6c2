/** @module What every page shares: the catalog, the caller's reach, the chosen period, and target status by the catalog's own rule. */
import type { Indicator } from '../../catalog/types.ts';
import type { Level } from '../../model/values.ts';
import { applicableTarget, statusAt } from '../../catalog/targets.ts';
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

/** met / missed / no_target / no_value at `level`: the catalog's one rule (src/catalog/targets.ts), which the hub API and reports use too. */
export function statusOf(ind: ConsoleIndicator, level: Level, value: number | null): Status {
  return statusAt(ind as Indicator, level, value);
}

/** "≤ 1.5" plus the target's words and source for the hover text; empty when no official target applies. */
export function targetLabel(ind: ConsoleIndicator, level: Level): { short: string; long: string } {
  const t = applicableTarget(ind as Indicator, level);
  if (!t || t.value === undefined || t.op === undefined) return { short: '', long: '' };
  const sign = { '>': '>', '>=': '≥', '<': '<', '<=': '≤', '==': '≈' }[t.op];
  return { short: `${sign} ${t.value}${ind.unit === '%' ? '%' : ''}`, long: `${tx(t.text)} (${t.source})` };
}

export function officialOf(ind: ConsoleIndicator, level: Level): { op: string; value: number } | undefined {
  const t = applicableTarget(ind as Indicator, level);
  return t && t.op !== undefined && t.value !== undefined ? { op: t.op, value: t.value } : undefined;
}

/** A level's name from the catalog; `title` capitalizes the English one (navigation, headings). */
export function levelName(state: AppState, level: Level, title = false): string {
  const l = state.catalog.levels.find((x) => x.id === level);
  const name = l ? (lang() === 'zh' ? l.zh : l.en) : level;
  return title ? name.charAt(0).toUpperCase() + name.slice(1) : name;
}

export function provinceName(state: AppState, code: string): string {
  const p = state.catalog.provinces.find((x) => x.code === code);
  return p ? (lang() === 'zh' ? p.zh : p.en) : code;
}

/** A center's name in the console's language (the English translation when there is one). */
export function centerName(c: { name: string; name_en?: string | null }): string {
  return lang() === 'en' && c.name_en ? c.name_en : c.name;
}
