/**
 * @module GET /api/v1/reports/:scope/:period.:format and a center's own report (src/report) mounted with the
 * hub's auth and scope rules; with scheduled reports, the delivery log and the signed download links.
 */
import type { Express } from 'express';
import type { HubContext } from '../context.ts';
import type { RouteKit } from './kit.ts';
import { reportRouter } from '../../report/route.ts';
import { allow, principal } from '../auth/middleware.ts';
import { canRead, canReadCenter, canReadProvince, readProvince, readsAll } from '../auth/scopes.ts';
import { deliveryRouter } from '../../report/delivery/routes.ts';

export function register(app: Express, ctx: HubContext, kit: RouteKit): void {
  const dir = ctx.config.reports?.dir;
  if (dir)
    app.use(
      deliveryRouter({
        dir,
        before: [...kit.auth, allow(canRead)],
        visible: (_req, res) => {
          const p = readProvince(principal(res).scope);
          return p === undefined ? { all: true } : { provinces: [p] };
        },
        now: ctx.now,
      }),
    );
  app.use(
    reportRouter({
      inputs: ctx.reports.inputs,
      cache: ctx.reports.cache,
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
