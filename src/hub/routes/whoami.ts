/**
 * @module GET /api/v1/whoami: what the caller's own token is (its scope, its province or center by name) and the
 * newest ended month, quarter and year by the hub's clock. Any valid token may ask: it tells nothing beyond the
 * token itself, so the console can sign in a center's operator, whose token reads nothing but its own reports.
 */
import type { Express } from 'express';
import type { HubContext } from '../context.ts';
import type { RouteKit } from './kit.ts';
import { principal } from '../auth/middleware.ts';
import { formatScope, type Scope } from '../auth/scopes.ts';
import { periodName, previousPeriod } from '../../model/periods.ts';

export function register(app: Express, ctx: HubContext, kit: RouteKit): void {
  const provinceOf = (code: string) => {
    const p = ctx.catalog.provinceByCode.get(code);
    return p ? { code, zh: p.zh, en: p.en } : { code };
  };
  /** The province or center a scope is bound to, by name. */
  const placeOf = (scope: Scope) => {
    if (scope.kind === 'province' || scope.kind === 'federate') return { province: provinceOf(scope.province) };
    if (scope.kind !== 'center' && scope.kind !== 'agent') return {};
    const c = ctx.registry.byId.get(scope.center);
    return {
      center: c
        ? { id: c.id, name: c.name, province: provinceOf(c.province) }
        : { id: scope.center, name: null, province: null },
    };
  };
  app.get('/api/v1/whoami', ...kit.auth, (_req, res) => {
    const scope = principal(res).scope;
    const tz = ctx.config.timezone;
    const now = ctx.now();
    // The period just before the one now running: the newest a report can be final for.
    const ended = (kind: 'month' | 'quarter' | 'year') => previousPeriod(kind, periodName(kind, now, tz), tz);
    res.set('Cache-Control', 'no-store').json({
      scope: formatScope(scope),
      kind: scope.kind,
      ...placeOf(scope),
      ended: { month: ended('month'), quarter: ended('quarter'), year: ended('year') },
    });
  });
}
