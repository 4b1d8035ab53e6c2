/**
 * @module Reading indicator values: GET /api/v1/values (one level, one or all codes, one period),
 * GET /api/v1/overview (nation and every province) and GET /api/v1/series (one indicator over time).
 */
import type { Express } from 'express';
import type { HubContext } from '../context.ts';
import type { RouteKit } from './kit.ts';
import type { Target } from '../../catalog/types.ts';
import type { Level, IndicatorValue } from '../../model/values.ts';
import type { PeriodKind, StoredValue, ValueQuery } from '../../storage/types.ts';
import { allow, principal } from '../auth/middleware.ts';
import { canRead, canReadProvince, readProvince, readsAll, type Scope } from '../auth/scopes.ts';
import { HubError } from '../errors.ts';
import { echoText } from '../../shared/echo.ts';
import { bad, indicatorParam, kindParam, levelParam, periodParam, provinceParam, str, timeParam } from './params.ts';
import { applicableTarget, statusAt, targetText } from '../../catalog/targets.ts';
import { sendAnswer } from './answer.ts';

const DEFAULT_SPAN_MS: Record<PeriodKind, number> = {
  realtime: 6 * 3_600_000,
  hour: 2 * 86_400_000,
  day: 31 * 86_400_000,
  month: 366 * 86_400_000,
  quarter: 3 * 366 * 86_400_000,
  year: 10 * 366 * 86_400_000,
};

/** Checks the caller may read node (level, code); returns the node's province ('' for the nation). */
export function authorizeNode(ctx: HubContext, scope: Scope, level: Level, code: string): string {
  if (level === 'nation') {
    if (code !== 'CN') throw bad('code', code, 'must be CN at nation level');
    if (!readsAll(scope)) throw new HubError('DIMS_ERR_FORBIDDEN', 'nation-level data needs a nation or admin token');
    return '';
  }
  if (level === 'province') {
    if (!ctx.catalog.provinceByCode.has(code))
      throw bad('code', code, 'must be a GB/T 2260 province code of the catalog');
    if (!canReadProvince(scope, code)) throw new HubError('DIMS_ERR_PROVINCE_FORBIDDEN');
    return code;
  }
  const c = ctx.registry.byId.get(code);
  if (!c) throw new HubError('DIMS_ERR_NOT_FOUND', `no center ${echoText(code)} in the registry`);
  if (!canReadProvince(scope, c.province)) throw new HubError('DIMS_ERR_PROVINCE_FORBIDDEN');
  return c.province;
}

/** A value with its indicator's meta and whether each applicable target is met. */
export function present(ctx: HubContext, v: IndicatorValue | StoredValue): Record<string, unknown> {
  const ind = ctx.catalog.indicatorById.get(v.indicator);
  const targets = (ind?.targets ?? [])
    .filter((t) => t.op && t.value !== undefined && (!t.scope || t.scope === v.level))
    .map((t) => ({
      op: t.op,
      value: t.value,
      official: t.official ?? false,
      met: v.value === null ? null : meets(v.value, t),
    }));
  // The same rule as reports and the console: the official target as it applies at this level.
  const official = ind ? applicableTarget(ind, v.level) : undefined;
  return {
    level: v.level,
    code: v.code,
    indicator: v.indicator,
    indicator_code: ind?.code,
    dimension: ind?.dimension,
    name: ind?.name,
    unit: v.unit,
    target:
      official && ind
        ? { op: official.op, value: official.value, text: targetText(ind), source: official.source }
        : null,
    status: ind ? statusAt(ind, v.level, v.value) : 'no_target',
    direction: ind?.direction,
    value: v.value,
    numerator: v.numerator,
    denominator: v.denominator,
    centers: v.centers,
    coverage: v.coverage,
    reason: v.reason,
    ...('period' in v
      ? { period: v.period, from: new Date(v.fromMs).toISOString(), to: new Date(v.toMs).toISOString() }
      : {}),
    ...(targets.length > 0 ? { targets } : {}),
  };
}

function meets(x: number, t: Target): boolean {
  const y = t.value!;
  switch (t.op) {
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    default:
      return x === y;
  }
}

/**
 * Values of one period: the nation's and provinces' of the newest period of each kind from memory, the
 * newest real-time window whole from memory, the rest from storage.
 */
export async function readValues(
  ctx: HubContext,
  q: ValueQuery & { period: string },
): Promise<Array<IndicatorValue | StoredValue>> {
  if (q.level === 'nation' || q.level === 'province') {
    const held = await ctx.engine.latest.regions(q.period_kind, q.period, q.level, {
      ...(q.codes ? { codes: q.codes } : {}),
      ...(q.indicators ? { indicators: q.indicators } : {}),
      ...(q.provinces ? { provinces: q.provinces } : {}),
    });
    if (held) return held;
  }
  const live = ctx.engine.latestRealtime;
  if (q.period_kind === 'realtime' && live && live.period === q.period) {
    const codes = q.codes ? new Set(q.codes) : undefined;
    const inds = q.indicators ? new Set(q.indicators) : undefined;
    const provs = q.provinces ? new Set(q.provinces) : undefined;
    return live.values.filter(
      (v) =>
        (!q.level || v.level === q.level) &&
        (!codes || codes.has(v.code)) &&
        (!inds || inds.has(v.indicator)) &&
        (!provs || provs.has(provinceOf(ctx, v))),
    );
  }
  return ctx.storage.queryValues(q);
}

export function provinceOf(ctx: HubContext, v: IndicatorValue): string {
  return v.level === 'nation' ? '' : v.level === 'province' ? v.code : (ctx.registry.byId.get(v.code)?.province ?? '');
}

function dimensionFilter(
  ctx: HubContext,
  dim: string | undefined,
  indicators: string[] | undefined,
): string[] | undefined {
  if (dim === undefined) return indicators;
  if (!['A', 'B', 'C', 'D'].includes(dim)) throw bad('dimension', dim, 'must be one of A, B, C, D');
  const ids = ctx.catalog.indicators.filter((i) => i.dimension === dim).map((i) => i.id);
  return indicators ? indicators.filter((i) => ids.includes(i)) : ids;
}

export function register(app: Express, ctx: HubContext, kit: RouteKit): void {
  app.get('/api/v1/values', ...kit.auth, allow(canRead), async (req, res) => {
    const scope = principal(res).scope;
    const level = levelParam(req, 'nation');
    const kind = kindParam(req);
    const code = str(req, 'code') ?? (level === 'nation' ? 'CN' : undefined);
    const indicators = dimensionFilter(ctx, str(req, 'dimension'), indicatorParam(ctx, req, false));
    const q: ValueQuery = { period_kind: kind, level, ...(indicators ? { indicators } : {}) };
    if (code !== undefined) {
      authorizeNode(ctx, scope, level, code);
      q.codes = [code];
    } else {
      // Every code of a level: a provincial caller gets its own province (and its centers) only.
      const asked = provinceParam(ctx, req);
      if (asked !== undefined && !canReadProvince(scope, asked)) throw new HubError('DIMS_ERR_PROVINCE_FORBIDDEN');
      const only = asked ?? readProvince(scope);
      if (only !== undefined) q.provinces = [only];
    }
    const period = periodParam(ctx, req, kind);
    if (period === undefined) return res.json({ level, kind, period: null, values: [] });
    const build = async () => {
      const values = await readValues(ctx, { ...q, period });
      return { level, ...(code ? { code } : {}), kind, period, values: values.map((v) => present(ctx, v)) };
    };
    // The newest period's answer is kept until a run replaces it; q names all the answer depends on.
    const kept = await ctx.engine.latest.answer(kind, period, `values ${JSON.stringify(q)}`, build);
    if (kept) return sendAnswer(res, kept);
    res.json(await build());
  });

  app.get('/api/v1/overview', ...kit.auth, allow(canRead), async (req, res) => {
    const scope = principal(res).scope;
    if (!readsAll(scope))
      throw new HubError(
        'DIMS_ERR_FORBIDDEN',
        'the national overview needs a nation or admin token; use /api/v1/values?level=province',
      );
    const kind = kindParam(req);
    const indicators = dimensionFilter(ctx, str(req, 'dimension'), indicatorParam(ctx, req, false));
    const period = periodParam(ctx, req, kind);
    if (period === undefined) return res.json({ kind, period: null, nation: [], provinces: {} });
    const build = async () => {
      const [nation, provinces] = await Promise.all([
        readValues(ctx, { period_kind: kind, period, level: 'nation', ...(indicators ? { indicators } : {}) }),
        readValues(ctx, { period_kind: kind, period, level: 'province', ...(indicators ? { indicators } : {}) }),
      ]);
      const byProvince: Record<string, Array<{ indicator: string; value: number | null }>> = {};
      for (const v of provinces) (byProvince[v.code] ??= []).push({ indicator: v.indicator, value: v.value });
      return { kind, period, nation: nation.map((v) => present(ctx, v)), provinces: byProvince };
    };
    // The newest period's overview is built once and kept until a run replaces that period.
    const kept = await ctx.engine.latest.answer(kind, period, `overview ${JSON.stringify(indicators ?? null)}`, build);
    if (kept) return sendAnswer(res, kept);
    res.json(await build());
  });

  app.get('/api/v1/series', ...kit.auth, allow(canRead), async (req, res) => {
    const scope = principal(res).scope;
    const indicator = indicatorParam(ctx, req, true);
    const level = levelParam(req, 'nation');
    const code = str(req, 'code') ?? (level === 'nation' ? 'CN' : undefined);
    if (code === undefined) throw bad('code', code, 'is required below nation level');
    authorizeNode(ctx, scope, level, code);
    const kind = kindParam(req, 'day');
    const toMs = timeParam(req, 'to') ?? ctx.now();
    const fromMs = timeParam(req, 'from') ?? toMs - DEFAULT_SPAN_MS[kind];
    if (!(toMs > fromMs)) throw bad('to', str(req, 'to'), 'must be after from');
    const values = await ctx.storage.queryValues({
      period_kind: kind,
      fromMs,
      toMs,
      level,
      codes: [code],
      indicators: [indicator],
    });
    values.sort((a, b) => a.fromMs - b.fromMs);
    const ind = ctx.catalog.indicatorById.get(indicator)!;
    res.json({
      indicator,
      level,
      code,
      kind,
      unit: ind.unit,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      points: values.map((v) => ({
        period: v.period,
        from: new Date(v.fromMs).toISOString(),
        to: new Date(v.toMs).toISOString(),
        value: v.value,
        reason: v.reason,
        coverage: v.coverage,
      })),
    });
  });
}
