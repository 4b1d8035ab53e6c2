/** @module GET /api/v1/reports/:scope/:period.:format: the report download (src/report) mounted with the hub's auth and scope rules. */
import type { Express } from 'express';
import type { HubContext } from '../context.ts';
import type { RouteKit } from './kit.ts';
import { reportRouter } from '../../report/route.ts';
import { storageInputs } from '../../report/inputs.ts';
import { principal } from '../auth/middleware.ts';
import { canRead, canReadCenter, canReadProvince, readsAll } from '../auth/scopes.ts';

export function register(app: Express, ctx: HubContext, kit: RouteKit): void {
  app.use(
    reportRouter({
      inputs: storageInputs(ctx.storage, { catalog: ctx.catalog, registry: ctx.registry, tz: ctx.config.timezone }),
      // Scope checks per route: a center:<id> token reads its own center's report and nothing else.
      before: kit.auth,
      authorize: (_req, res, scope) =>
        canRead(principal(res).scope) &&
        (scope === 'nation' ? readsAll(principal(res).scope) : canReadProvince(principal(res).scope, scope)),
      authorizeCenter: (_req, res, center, province) => canReadCenter(principal(res).scope, center, province),
      ...(ctx.config.reports?.form ? { form: ctx.config.reports.form } : {}),
      now: ctx.now,
    }),
  );
}
