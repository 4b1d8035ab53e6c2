/** @module Administration: POST /api/v1/admin/recompute {kind, period} and GET /api/v1/admin/status (engine and outbox state). */
import type { Express } from 'express';
import type { HubContext } from '../context.ts';
import type { RouteKit } from './kit.ts';
import { periodExample, periodKindOf, periodWindow, type PeriodKindName } from '../../model/periods.ts';
import { allow } from '../auth/middleware.ts';
import { isAdmin } from '../auth/scopes.ts';
import { HubError } from '../errors.ts';
import { echoText } from '../../shared/echo.ts';
import { isStorageUnavailable } from '../../storage/errors.ts';

const KINDS: readonly PeriodKindName[] = ['hour', 'day', 'month', 'quarter', 'year'];
const EARLIEST_MS = Date.UTC(2000, 0, 1);

export function register(app: Express, ctx: HubContext, kit: RouteKit): void {
  app.post('/api/v1/admin/recompute', ...kit.auth, allow(isAdmin), kit.json, async (req, res) => {
    const body = (req.body ?? {}) as { kind?: unknown; period?: unknown };
    if (typeof body.kind !== 'string' || !KINDS.includes(body.kind as PeriodKindName)) {
      throw new HubError(
        'DIMS_ERR_BAD_REQUEST',
        `kind must be one of ${KINDS.join(', ')} (got ${echoText(body.kind)})`,
        { path: '/kind', value: body.kind },
      );
    }
    const kind = body.kind as PeriodKindName;
    const badPeriod = (why: string) =>
      new HubError('DIMS_ERR_BAD_REQUEST', `period ${why} (got ${echoText(body.period)})`, {
        path: '/period',
        value: body.period,
      });
    if (typeof body.period !== 'string' || periodKindOf(body.period) !== kind)
      throw badPeriod(`must be a ${kind} name like ${periodExample(kind)}`);
    let window: { fromMs: number };
    try {
      window = periodWindow(kind, body.period, ctx.config.timezone);
    } catch (err) {
      throw badPeriod(`must be a real ${kind} (${(err as Error).message})`);
    }
    // Records start in 2000 and a period that has not begun has nothing to compute: either would only
    // store empty values for a period nobody asked about.
    if (window.fromMs < EARLIEST_MS || window.fromMs > ctx.now())
      throw badPeriod('must have begun, and not before 2000');
    try {
      const r = await ctx.engine.runPeriod(kind, body.period);
      res.json({
        kind: r.kind,
        period: r.period,
        from: new Date(r.fromMs).toISOString(),
        to: new Date(r.toMs).toISOString(),
        values: r.values,
        ms: Math.round(r.ms),
      });
    } catch (err) {
      if (isStorageUnavailable(err)) throw new HubError('DIMS_ERR_STORAGE_UNAVAILABLE');
      throw err;
    }
  });

  app.get('/api/v1/admin/status', ...kit.auth, allow(isAdmin), (_req, res) => {
    res.json({
      role: ctx.config.role,
      province: ctx.config.province ?? null,
      timezone: ctx.config.timezone,
      storage: ctx.storage.kind,
      centers: ctx.registry.centers.length,
      checkpoints: ctx.state.checkpoints(),
      dirty: ctx.state.dirtyPeriods(),
      realtime: ctx.engine.latestRealtime
        ? { period: ctx.engine.latestRealtime.period, values: ctx.engine.latestRealtime.values.length }
        : null,
      outbox: ctx.state.outboxSize(),
    });
  });
}
