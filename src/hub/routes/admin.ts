/** @module Administration: POST /api/v1/admin/recompute {kind, period} and GET /api/v1/admin/status (engine and outbox state). */
import type { Express } from 'express';
import type { HubContext } from '../context.ts';
import type { RouteKit } from './kit.ts';
import { periodKindOf, type PeriodKindName } from '../../engine/periods.ts';
import { allow } from '../auth/middleware.ts';
import { isAdmin } from '../auth/scopes.ts';
import { HubError } from '../errors.ts';
import { isStorageUnavailable } from '../../storage/errors.ts';

const KINDS: readonly PeriodKindName[] = ['hour', 'day', 'month', 'quarter', 'year'];

export function register(app: Express, ctx: HubContext, kit: RouteKit): void {
  app.post('/api/v1/admin/recompute', ...kit.auth, allow(isAdmin), kit.json, async (req, res) => {
    const body = (req.body ?? {}) as { kind?: unknown; period?: unknown };
    if (typeof body.kind !== 'string' || !KINDS.includes(body.kind as PeriodKindName)) {
      throw new HubError(
        'DIMS_ERR_BAD_REQUEST',
        `kind must be one of ${KINDS.join(', ')} (got ${JSON.stringify(body.kind)})`,
        { path: '/kind', value: body.kind },
      );
    }
    const kind = body.kind as PeriodKindName;
    if (typeof body.period !== 'string' || periodKindOf(body.period) !== kind) {
      throw new HubError('DIMS_ERR_BAD_REQUEST', `period must be a ${kind} name (got ${JSON.stringify(body.period)})`, {
        path: '/period',
        value: body.period,
      });
    }
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
