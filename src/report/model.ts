/**
 * @module A report as data: one model built from `ReportInputs`, rendered three ways (xlsx, csv, json).
 *
 * Every number in a report is a value the inputs returned, untouched (changes and ranks are computed
 * from those values), so a report always equals the API and the dashboards for the same period. Empty
 * values stay empty with their reason, never 0. The generation time is an input: the same inputs and
 * request give the same model, byte for byte once rendered.
 */
import type { Catalog, Indicator, Level, Target } from '../catalog/types.ts';
import type { Lang } from '../catalog/docs.ts';
import type { IndicatorValue } from '../engine/types.ts';
import type { CenterReportStats } from '../storage/types.ts';
import type { ReportInputs } from './inputs.ts';
import { describeComputation } from '../catalog/docs.ts';
import {
  applicableTarget,
  officialTarget,
  rankValues,
  statusAt as statusAtLevel,
  targetText,
} from '../catalog/targets.ts';

export { applicableTarget };
import {
  DEFAULT_TZ,
  periodKindOf,
  periodWindow,
  previousPeriod,
  shiftPeriod,
  zonedParts,
  type PeriodKindName,
} from '../engine/periods.ts';
import { MIN_CENTERS, mustSuppress } from './suppression.ts';
import { DIMENSIONS, DIRECTIONS, LEVELS, SCOPES, SOURCES_OF_DATA, word } from './text.ts';
import { echoText } from '../shared/echo.ts';

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

/** A request that cannot be served: names the field and the value. */
export class ReportRequestError extends Error {
  readonly field: string;
  readonly value: unknown;
  constructor(field: string, value: unknown, message: string) {
    super(`${field} ${echoText(value)}: ${message}`);
    this.name = 'ReportRequestError';
    this.field = field;
    this.value = value;
  }
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

const NATION = 'CN';
const HOUR = 3_600_000;

/** The steps back to the same period a year earlier. */
const YEAR_STEPS: Record<ReportPeriodKind, number> = { month: 12, quarter: 4, year: 1 };

/** Additive indicators: their national totals are no yardstick for a province or a center. */
function targetInfo(ind: Indicator, level: Level): TargetInfo | null {
  const t = applicableTarget(ind, level);
  return t ? { op: t.op!, value: t.value!, text: targetText(ind), source: t.source, scope: t.scope ?? null } : null;
}

function statusAt(ind: Indicator, level: Level, value: number | null): TargetState {
  return statusAtLevel(ind, level, value);
}

function compare(value: number | null, period: string, other: IndicatorValue | undefined): Comparison {
  const prev = other?.value ?? null;
  if (value === null || prev === null) return { period, value: prev, change: null, change_pct: null };
  return {
    period,
    value: prev,
    change: value - prev,
    change_pct: prev === 0 ? null : ((value - prev) / Math.abs(prev)) * 100,
  };
}

function key(level: string, code: string, indicator: string): string {
  return `${level}/${code}/${indicator}`;
}

function index(values: IndicatorValue[]): Map<string, IndicatorValue> {
  const m = new Map<string, IndicatorValue>();
  for (const v of values) m.set(key(v.level, v.code, v.indicator), v);
  return m;
}

/** An instant as local wall-clock text in `tz`: 2026-11-01 03:00:00. */
export function localTime(ms: number, tz: string): string {
  const p = zonedParts(ms, tz);
  const d = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${d(p.month)}-${d(p.day)} ${d(p.hour)}:${d(p.minute)}:${d(p.second)}`;
}

/** Checks a request against the catalog and returns the period kind. */
export function checkRequest(
  catalog: Catalog,
  req: Pick<ReportRequest, 'scope' | 'period' | 'lang'>,
): ReportPeriodKind {
  if (req.scope !== 'nation' && !catalog.provinceByCode.has(req.scope)) {
    throw new ReportRequestError(
      'scope',
      req.scope,
      'must be nation or a two-digit province code of the catalog (e.g. 44)',
    );
  }
  const kind = periodKindOf(req.period);
  if (kind !== 'month' && kind !== 'quarter' && kind !== 'year') {
    throw new ReportRequestError(
      'period',
      req.period,
      'must be a month (2026-10), a quarter (2026-Q3) or a year (2026)',
    );
  }
  try {
    periodWindow(kind, req.period);
  } catch (err) {
    throw new ReportRequestError('period', req.period, (err as Error).message);
  }
  if (req.lang !== undefined && req.lang !== 'zh' && req.lang !== 'en')
    throw new ReportRequestError('lang', req.lang, 'must be zh or en');
  return kind;
}

/** Builds the report model for one scope and period. */
export async function buildReport(inputs: ReportInputs, req: ReportRequest): Promise<ReportModel> {
  const { catalog, registry } = inputs;
  const kind = checkRequest(catalog, req);
  const lang: Lang = req.lang ?? 'zh';
  const tz = inputs.tz ?? DEFAULT_TZ;
  const generatedMs = typeof req.generatedAt === 'string' ? Date.parse(req.generatedAt) : req.generatedAt.getTime();
  if (!Number.isFinite(generatedMs))
    throw new ReportRequestError('generatedAt', req.generatedAt, 'must be an RFC 3339 time');
  const window = periodWindow(kind, req.period, tz);
  const prevName = previousPeriod(kind, req.period, tz);
  const yearAgoName = shiftPeriod(kind, req.period, -YEAR_STEPS[kind], tz);
  const isNation = req.scope === 'nation';
  const level: Level = isNation ? 'nation' : 'province';
  const code = isNation ? NATION : req.scope;
  const provinceHint = isNation ? {} : { provinces: [code] };

  const [top, centerVals, prevVals, yearVals, stats, filings] = await Promise.all([
    inputs.values(kind, req.period, { levels: ['nation', 'province'] }),
    inputs.values(kind, req.period, { levels: ['center'], ...provinceHint }),
    inputs.values(kind, prevName, { levels: [level], ...provinceHint }),
    inputs.values(kind, yearAgoName, { levels: [level], ...provinceHint }),
    inputs.reportStats(window.fromMs, window.toMs),
    inputs.declarations ? inputs.declarations(window.fromMs, window.toMs) : Promise.resolve(undefined),
  ]);
  const cur = index(top.concat(centerVals.filter((v) => v.level === 'center')));
  const prev = index(prevVals);
  const yearAgo = index(yearVals);
  const indicators = [...catalog.indicators].sort((a, b) => (a.code < b.code ? -1 : 1));
  const provinces = [...catalog.provinces].sort((a, b) => (a.code < b.code ? -1 : 1));

  // Ranks among provinces, per indicator, from the same period's province values.
  const ranks = new Map<string, { ranks: Map<string, number | null>; of: number }>();
  for (const ind of indicators) {
    const entries = provinces.map((p) => ({
      code: p.code,
      value: cur.get(key('province', p.code, ind.id))?.value ?? null,
    }));
    ranks.set(ind.id, { ranks: rankValues(ind, entries), of: entries.filter((e) => e.value !== null).length });
  }

  // The centers in scope: those the values speak of; the registry when nothing was computed yet.
  const centerCodes = new Set<string>();
  for (const v of centerVals)
    if (v.level === 'center' && (isNation || registry.byId.get(v.code)?.province === code)) centerCodes.add(v.code);
  const computed = top.length > 0;
  if (!computed)
    for (const c of registry.centers)
      if ((isNation || c.province === code) && c.status !== 'decommissioned') centerCodes.add(c.id);
  const centers = [...centerCodes]
    .sort()
    .map((id) => registry.byId.get(id))
    .filter((c) => c !== undefined);

  const summary: SummaryRow[] = indicators.map((ind) => {
    const v = cur.get(key(level, code, ind.id));
    const value = v?.value ?? null;
    const r = ranks.get(ind.id)!;
    return {
      indicator: ind.id,
      code: ind.code,
      dimension: ind.dimension,
      dimension_name: DIMENSIONS[ind.dimension][lang],
      name: ind.name[lang],
      unit: ind.unit,
      direction: ind.direction,
      value,
      reason: v ? v.reason : 'not_computed',
      centers: v?.centers ?? 0,
      coverage: v?.coverage ?? { centers: null, it_energy: null },
      target: targetInfo(ind, level),
      target_status: statusAt(ind, level, value),
      rank: isNation ? null : (r.ranks.get(code) ?? null),
      rank_of: isNation ? null : r.of,
      previous: compare(value, prevName, prev.get(key(level, code, ind.id))),
      year_ago: compare(value, yearAgoName, yearAgo.get(key(level, code, ind.id))),
    };
  });

  // Breakdown: the province's centers, or every province for the national report.
  const minCenters = req.minCenters ?? MIN_CENTERS;
  const suppress = isNation && req.suppress === true;
  let hidden = 0;
  let breakdown: Breakdown;
  if (isNation) {
    const inds = indicators.filter((i) => i.levels.includes('province'));
    breakdown = {
      level: 'province',
      indicators: inds.map((i) => i.id),
      targets: inds.map((i) => targetInfo(i, 'province')),
      rows: provinces.map((p) => {
        const any = cur.get(key('province', p.code, inds[0]!.id));
        return {
          code: p.code,
          name: p[lang],
          province: p.code,
          coverage: any?.coverage.centers ?? null,
          cells: inds.map((ind) => {
            const v = cur.get(key('province', p.code, ind.id));
            const value = v?.value ?? null;
            if (suppress && mustSuppress(value, v?.centers ?? 0, minCenters)) {
              hidden++;
              return {
                value: null,
                reason: 'suppressed',
                centers: v?.centers ?? 0,
                target_status: 'no_value' as TargetState,
                rank: null,
                suppressed: true,
              };
            }
            return {
              value,
              reason: v ? v.reason : 'not_computed',
              centers: v?.centers ?? 0,
              target_status: statusAt(ind, 'province', value),
              rank: ranks.get(ind.id)!.ranks.get(p.code) ?? null,
              suppressed: false,
            };
          }),
        };
      }),
    };
  } else {
    const inds = indicators.filter((i) => i.levels.includes('center'));
    breakdown = {
      level: 'center',
      indicators: inds.map((i) => i.id),
      targets: inds.map((i) => targetInfo(i, 'center')),
      rows: centers.map((c) => ({
        code: c.id,
        name: c.name,
        province: c.province,
        coverage: cur.get(key('center', c.id, inds[0]!.id))?.coverage.it_energy ?? null,
        cells: inds.map((ind) => {
          const v = cur.get(key('center', c.id, ind.id));
          const value = v?.value ?? null;
          return {
            value,
            reason: v ? v.reason : 'not_computed',
            centers: v?.centers ?? 0,
            target_status: statusAt(ind, 'center', value),
            rank: null,
            suppressed: false,
          };
        }),
      })),
    };
  }

  // Data quality per center.
  const statsBy = new Map<string, CenterReportStats>(stats.map((s) => [s.center, s]));
  const closed = generatedMs >= window.toMs;
  const grace = req.lateGraceMs ?? HOUR;
  const hours = (window.toMs - window.fromMs) / HOUR;
  // What each center filed for the period: deltas must cover it; a snapshot filed earlier still stands.
  const required = catalog.metrics.filter((m) => m.source === 'declaration');
  const filedBy = new Map<string, Set<string>>();
  for (const f of filings ?? []) {
    if (f.startMs >= window.toMs) continue;
    const set = filedBy.get(f.center) ?? new Set<string>();
    const overlaps = f.endMs > window.fromMs;
    for (const id of f.metrics) if (overlaps || catalog.metricById.get(id)?.kind === 'snapshot') set.add(id);
    filedBy.set(f.center, set);
  }
  const quality: CenterQuality[] = [];
  let expectedTotal = 0;
  let reportedTotal = 0;
  const perProvince = new Map<string, ProvinceQuality>(
    provinces.map((p) => [
      p.code,
      {
        province: p.code,
        name: p[lang],
        centers_expected: 0,
        centers_reported: 0,
        not_reported: 0,
        late: 0,
        downtime: 0,
        declaration_missing: 0,
      },
    ]),
  );
  for (const c of centers) {
    const any = cur.get(key('center', c.id, indicators[0]!.id));
    const s = statsBy.get(c.id);
    const expected = any ? any.coverage.centers !== null : (c.status ?? 'operating') === 'operating';
    if (!expected) continue;
    const reported = any ? any.coverage.centers === 1 : s !== undefined;
    const pq = perProvince.get(c.province);
    expectedTotal++;
    if (pq) pq.centers_expected++;
    const issues: QualityIssue[] = [];
    const timeCov = reported ? (any?.coverage.it_energy ?? null) : 0;
    let downtime: number | null = null;
    const missing = new Set<string>();
    if (!reported) issues.push('not_reported');
    else {
      reportedTotal++;
      if (pq) pq.centers_reported++;
      if (closed && s && s.lastEndMs < window.toMs - grace) issues.push('late');
      if (timeCov !== null) {
        const h = Math.round((1 - timeCov) * hours * 100) / 100;
        downtime = h;
        if (h >= 0.01) issues.push('downtime');
      }
      if (filings) {
        const got = filedBy.get(c.id);
        for (const m of required) if (!got?.has(m.id)) missing.add(m.id);
      }
      if (missing.size > 0) issues.push('declaration_missing');
    }
    if (pq) for (const i of issues) pq[i]++;
    if (issues.length === 0) continue;
    quality.push({
      center: c.id,
      name: c.name,
      province: c.province,
      issues,
      time_coverage: timeCov,
      downtime_hours: reported ? downtime : Math.round(hours * 100) / 100,
      last_data: s ? new Date(s.lastEndMs).toISOString() : null,
      declarations_missing: [...missing].sort(),
    });
  }

  const node = cur.get(key(level, code, indicators[0]!.id));
  const scopeName = isNation ? LEVELS.nation[lang] : catalog.provinceByCode.get(code)![lang];
  return {
    report: 'dims.report',
    schema_version: 1,
    lang,
    level: isNation ? 'nation' : 'province',
    scope: { code, name: scopeName },
    period: {
      name: req.period,
      kind,
      from: new Date(window.fromMs).toISOString(),
      to: new Date(window.toMs).toISOString(),
      tz,
      previous: prevName,
      year_ago: yearAgoName,
      closed,
    },
    generated_at: new Date(generatedMs).toISOString(),
    catalog_version: catalog.version,
    coverage: {
      has_data: reportedTotal > 0,
      computed,
      centers_expected: expectedTotal,
      centers_reported: reportedTotal,
      centers: node?.coverage.centers ?? null,
      it_energy: node?.coverage.it_energy ?? null,
    },
    suppression: { enabled: suppress, min_centers: minCenters, hidden },
    summary,
    breakdown,
    quality: { centers: quality, provinces: isNation ? [...perProvince.values()] : [] },
    definitions: definitions(catalog, indicators, lang),
  };
}

function definitions(catalog: Catalog, indicators: Indicator[], lang: Lang): Definition[] {
  const sep = lang === 'zh' ? '、' : ', ';
  return indicators.map((ind) => {
    const bySource = new Map<string, string[]>();
    for (const id of ind.raw_metrics) {
      const m = catalog.metricById.get(id);
      if (!m) continue;
      const list = bySource.get(m.source) ?? [];
      list.push(m[lang]);
      bySource.set(m.source, list);
    }
    const t = officialTarget(ind);
    const src = t ? catalog.sources.find((s) => s.id === t.source) : undefined;
    return {
      indicator: ind.id,
      code: ind.code,
      dimension: `${ind.dimension} ${DIMENSIONS[ind.dimension][lang]}`,
      name: ind.name[lang],
      unit: ind.unit,
      direction: DIRECTIONS[ind.direction][lang],
      levels: ind.levels.map((l) => word(LEVELS, l, lang)).join(sep),
      description: ind.description[lang],
      formula: describeComputation(ind, lang),
      data_sources:
        [...bySource.entries()]
          .map(([s, names]) => `${word(SOURCES_OF_DATA, s, lang)}: ${names.join(sep)}`)
          .join('; ') || word(SOURCES_OF_DATA, 'registry', lang),
      target: t ? `${t.text[lang]}${t.scope ? ` [${word(SCOPES, t.scope, lang)}]` : ''}` : '',
      target_source: src ? `${src.id} ${src.title} ${src.url}` : '',
    };
  });
}

/** The file name a report is saved under: 44-2026-10.zh.xlsx, nation-2026-Q3.en.csv. */
export function reportFileName(scope: string, period: string, lang: Lang, format: ReportFormat): string {
  return `${scope}-${period}.${lang}.${format}`;
}

export type { PeriodKindName };
