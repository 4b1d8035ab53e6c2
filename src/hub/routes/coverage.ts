/**
 * @module GET /api/v1/coverage: which centers reported in a period, which are late now, per province and
 * for the nation. Expected centers are those operating (and commissioned) in the registry.
 */
import type { Express } from 'express';
import type { HubContext } from '../context.ts';
import type { RouteKit } from './kit.ts';
import type { Center } from '../../model/centers.ts';
import { periodWindow, type PeriodKindName } from '../../model/periods.ts';
import { allow, principal } from '../auth/middleware.ts';
import { canRead, canReadProvince, readProvince } from '../auth/scopes.ts';
import { HubError } from '../errors.ts';
import { kindParam, periodParam, provinceParam } from './params.ts';

/** Lateness looks this far back for a center's newest record. */
const LAST_SEEN_LOOKBACK_MS = 7 * 86_400_000;

function expected(c: Center, toMs: number): boolean {
  if ((c.status ?? 'operating') !== 'operating') return false;
  if (c.commission_date && Date.parse(`${c.commission_date}T00:00:00+08:00`) >= toMs) return false;
  if (c.decommission_date && Date.parse(`${c.decommission_date}T00:00:00+08:00`) < toMs) return false;
  return true;
}

export function register(app: Express, ctx: HubContext, kit: RouteKit): void {
  app.get('/api/v1/coverage', ...kit.auth, allow(canRead), async (req, res) => {
    const scope = principal(res).scope;
    const asked = provinceParam(ctx, req);
    if (asked !== undefined && !canReadProvince(scope, asked)) throw new HubError('DIMS_ERR_PROVINCE_FORBIDDEN');
    const only = asked ?? readProvince(scope);
    const now = ctx.now();
    const lateMs = ctx.config.coverage.late_after_minutes * 60_000;
    const kind = kindParam(req, 'realtime');
    let fromMs: number;
    let toMs: number;
    let period: string | null;
    if (kind === 'realtime') {
      toMs = now;
      fromMs = now - lateMs;
      period = null;
    } else {
      period = periodParam(ctx, req, kind) ?? null;
      const w = periodWindow(kind as PeriodKindName, period!, ctx.config.timezone);
      fromMs = w.fromMs;
      toMs = w.toMs;
    }
    const [inPeriod, recent] = await Promise.all([
      ctx.storage.reportStats(fromMs, toMs),
      ctx.storage.reportStats(now - LAST_SEEN_LOOKBACK_MS, now + 60_000),
    ]);
    const statsOf = new Map(inPeriod.map((s) => [s.center, s]));
    const lastOf = new Map(recent.map((s) => [s.center, s.lastEndMs]));
    const centers = ctx.registry.centers
      .filter((c) => only === undefined || c.province === only)
      .map((c) => {
        const s = statsOf.get(c.id);
        const last = Math.max(lastOf.get(c.id) ?? -Infinity, s?.lastEndMs ?? -Infinity);
        const exp = expected(c, toMs);
        return {
          center: c.id,
          name: c.name,
          province: c.province,
          expected: exp,
          records: s?.records ?? 0,
          reported: (s?.records ?? 0) > 0,
          first_start: s ? new Date(s.firstStartMs).toISOString() : null,
          last_end: Number.isFinite(last) ? new Date(last).toISOString() : null,
          late: exp && (!Number.isFinite(last) || now - last > lateMs),
        };
      });
    const summarize = (list: typeof centers) => {
      const exp = list.filter((c) => c.expected);
      const reported = exp.filter((c) => c.reported).length;
      return {
        expected: exp.length,
        reported,
        late: exp.filter((c) => c.late).length,
        ratio: exp.length ? reported / exp.length : null,
      };
    };
    const provinces = ctx.catalog.provinces
      .filter((p) => only === undefined || p.code === only)
      .map((p) => ({ code: p.code, name: p.zh, ...summarize(centers.filter((c) => c.province === p.code)) }))
      .filter((p) => p.expected > 0 || centers.some((c) => c.province === p.code));
    res.json({
      kind,
      period,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      late_after_minutes: ctx.config.coverage.late_after_minutes,
      ...(only === undefined ? { nation: summarize(centers) } : {}),
      provinces,
      centers,
    });
  });
}
