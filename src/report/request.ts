/**
 * @module A report request checked against the catalog and resolved into what every later stage needs:
 * the level and code reported on, the period's window, its comparison periods and the generation time.
 */
import type { Catalog } from '../catalog/types.ts';
import type { Level } from '../model/values.ts';
import type { Lang } from '../catalog/docs.ts';
import { DEFAULT_TZ, periodKindOf, periodWindow, previousPeriod, shiftPeriod } from '../model/periods.ts';
import type { ReportModel, ReportPeriodKind, ReportRequest } from './types.ts';
import { echoText } from '../shared/echo.ts';

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

/** The national code values carry. */
export const NATION = 'CN';

/** The steps back to the same period a year earlier. */
const YEAR_STEPS: Record<ReportPeriodKind, number> = { month: 12, quarter: 4, year: 1 };

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
  return checkPeriodAndLang(req);
}

/** Checks the period (a month, quarter or year) and the language; returns the period kind. */
export function checkPeriodAndLang(req: Pick<ReportRequest, 'period' | 'lang'>): ReportPeriodKind {
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

/** A checked request with its period resolved. */
export interface Resolved {
  kind: ReportPeriodKind;
  lang: Lang;
  tz: string;
  generatedMs: number;
  window: { fromMs: number; toMs: number };
  previous: string;
  yearAgo: string;
  isNation: boolean;
  /** The level of the scope's own values: nation or province. */
  level: Level;
  /** The code of the scope's own values: CN or the province code. */
  code: string;
  /** Whether the period had ended at generation time. */
  closed: boolean;
}

/** Resolves a request's period, comparison periods and generation time (the kind comes from a check). */
export function resolvePeriod(
  kind: ReportPeriodKind,
  req: Pick<ReportRequest, 'period' | 'lang' | 'generatedAt'>,
  tzOption: string | undefined,
): Omit<Resolved, 'isNation' | 'level' | 'code'> {
  const tz = tzOption ?? DEFAULT_TZ;
  const generatedMs = typeof req.generatedAt === 'string' ? Date.parse(req.generatedAt) : req.generatedAt.getTime();
  if (!Number.isFinite(generatedMs))
    throw new ReportRequestError('generatedAt', req.generatedAt, 'must be an RFC 3339 time');
  const window = periodWindow(kind, req.period, tz);
  return {
    kind,
    lang: req.lang ?? 'zh',
    tz,
    generatedMs,
    window,
    previous: previousPeriod(kind, req.period, tz),
    yearAgo: shiftPeriod(kind, req.period, -YEAR_STEPS[kind], tz),
    closed: generatedMs >= window.toMs,
  };
}

/** Checks a province or national request and resolves it. */
export function resolveRequest(catalog: Catalog, req: ReportRequest, tz: string | undefined): Resolved {
  const kind = checkRequest(catalog, req);
  const isNation = req.scope === 'nation';
  return {
    ...resolvePeriod(kind, req, tz),
    isNation,
    level: isNation ? 'nation' : 'province',
    code: isNation ? NATION : req.scope,
  };
}

/** The period block of a report's model: the name asked for and the window it resolved to. */
export function periodHeader(name: string, r: Resolved): ReportModel['period'] {
  return {
    name,
    kind: r.kind,
    from: new Date(r.window.fromMs).toISOString(),
    to: new Date(r.window.toMs).toISOString(),
    tz: r.tz,
    previous: r.previous,
    year_ago: r.yearAgo,
    closed: r.closed,
  };
}
