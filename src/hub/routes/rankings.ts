/**
 * @module GET /api/v1/rankings: provinces, or the centers of one province, ranked on one indicator for a
 * period. The indicator's direction decides the order (lower PUE ranks first); equal values share a rank
 * (1, 2, 2, 4); nulls come last without a rank. A provincial caller sees its own row among provinces
 * (rank and count, no other province's value) and only its own province's centers.
 */
import type { Express } from 'express';
import type { HubContext } from '../context.ts';
import type { RouteKit } from './kit.ts';
import type { Direction } from '../../catalog/types.ts';
import { allow, principal } from '../auth/middleware.ts';
import { canRead, canReadProvince, readProvince } from '../auth/scopes.ts';
import { HubError } from '../errors.ts';
import { bad, indicatorParam, kindParam, periodParam, provinceParam, str } from './params.ts';
import { readValues } from './values.ts';
import { rankValues } from '../../catalog/targets.ts';
import { sendAnswer } from './answer.ts';

export interface Ranked {
  code: string;
  value: number | null;
  rank: number | null;
}

/** Ranks entries by direction with the catalog's rule (the one reports use); ties share the better rank, nulls last. */
export function rank(entries: Array<{ code: string; value: number | null }>, direction: Direction): Ranked[] {
  const ranks = rankValues({ direction }, entries);
  const out: Ranked[] = entries.map((e) => ({
    code: e.code,
    value: ranks.get(e.code) === null ? null : e.value,
    rank: ranks.get(e.code) ?? null,
  }));
  return out.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.code.localeCompare(b.code));
}

export function register(app: Express, ctx: HubContext, kit: RouteKit): void {
  app.get('/api/v1/rankings', ...kit.auth, allow(canRead), async (req, res) => {
    const scope = principal(res).scope;
    const indicator = indicatorParam(ctx, req, true);
    const level = str(req, 'level') ?? 'province';
    if (level !== 'province' && level !== 'center') throw bad('level', level, 'must be province or center');
    const kind = kindParam(req, 'month');
    const ind = ctx.catalog.indicatorById.get(indicator)!;
    const asked = provinceParam(ctx, req);
    if (asked !== undefined && !canReadProvince(scope, asked)) throw new HubError('DIMS_ERR_PROVINCE_FORBIDDEN');
    const period = periodParam(ctx, req, kind);
    const head = { indicator, level, kind, period: period ?? null, direction: ind.direction, unit: ind.unit };
    if (period === undefined) return res.json({ ...head, count: 0, ranking: [] });
    const provinces = async (own: string | undefined) => {
      const values = await readValues(ctx, {
        period_kind: kind,
        period,
        level: 'province',
        indicators: [indicator],
      });
      const ranked = rank(
        values.map((v) => ({ code: v.code, value: v.value })),
        ind.direction,
      );
      // Provincial callers learn where they stand, not the other provinces' values.
      const visible = own === undefined ? ranked : ranked.filter((r) => r.code === own);
      return {
        ...head,
        count: ranked.length,
        ranking: visible.map((r) => ({ ...r, name: ctx.catalog.provinceByCode.get(r.code)?.zh })),
      };
    };
    const centers = async (province: string | undefined) => {
      // The newest period's center values come from memory (one column per indicator), older ones from storage.
      const values =
        (await ctx.engine.latest.centerValues(kind, period, indicator, province)) ??
        (await readValues(ctx, {
          period_kind: kind,
          period,
          level: 'center',
          indicators: [indicator],
          ...(province ? { provinces: [province] } : {}),
        }));
      // Storage filters by province already; the registry check keeps a stale value of a moved center out.
      const scoped = values.filter((v) => {
        const p = ctx.registry.byId.get(v.code)?.province;
        return p !== undefined && (province === undefined || p === province) && canReadProvince(scope, p);
      });
      const ranked = rank(
        scoped.map((v) => ({ code: v.code, value: v.value })),
        ind.direction,
      );
      return {
        ...head,
        ...(province ? { province } : {}),
        count: ranked.length,
        ranking: ranked.map((r) => ({
          ...r,
          name: ctx.registry.byId.get(r.code)?.name,
          province: ctx.registry.byId.get(r.code)?.province,
        })),
      };
    };
    // What the answer depends on besides (kind, period): a provincial caller sees its own row among provinces
    // and its own centers only.
    const own = readProvince(scope);
    const province = asked ?? own;
    const build = () => (level === 'province' ? provinces(own) : centers(province));
    const key = `rankings ${level} ${indicator} ${(level === 'province' ? own : province) ?? '*'}`;
    // The newest period's ranking is built once and kept until a run replaces that period.
    const kept = await ctx.engine.latest.answer(kind, period, key, build);
    if (kept) return sendAnswer(res, kept);
    res.json(await build());
  });
}
