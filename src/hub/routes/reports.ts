/** @module GET /api/v1/reports/:scope/:period.:format: the report download (src/report) mounted with the hub's auth and scope rules. */
import type { Express } from 'express';
import type { HubContext } from '../context.ts';
import type { RouteKit } from './kit.ts';
import { reportRouter } from '../../report/route.ts';
import { storageInputs } from '../../report/inputs.ts';
import { allow, principal } from '../auth/middleware.ts';
import { canRead, canReadProvince, readsAll } from '../auth/scopes.ts';

export function register(app: Express, ctx: HubContext, kit: RouteKit): void {
  app.use(
    reportRouter({
      inputs: storageInputs(ctx.storage, { catalog: ctx.catalog, registry: ctx.registry, tz: ctx.config.timezone }),
      before: [...kit.auth, allow(canRead)],
      authorize: (_req, res, scope) =>
        scope === 'nation' ? readsAll(principal(res).scope) : canReadProvince(principal(res).scope, scope),
      now: ctx.now,
    }),
  );
}
