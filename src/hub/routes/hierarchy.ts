/** @module GET /api/v1/hierarchy: nation → provinces → centers from the registry, limited to what the caller may read. */
import type { Express } from 'express';
import type { HubContext } from '../context.ts';
import type { RouteKit } from './kit.ts';
import { allow, principal } from '../auth/middleware.ts';
import { canRead, canReadProvince, readProvince } from '../auth/scopes.ts';
import { HubError } from '../errors.ts';
import { provinceParam } from './params.ts';

export function register(app: Express, ctx: HubContext, kit: RouteKit): void {
  app.get('/api/v1/hierarchy', ...kit.auth, allow(canRead), (req, res) => {
    const scope = principal(res).scope;
    const asked = provinceParam(ctx, req);
    if (asked !== undefined && !canReadProvince(scope, asked)) throw new HubError('DIMS_ERR_PROVINCE_FORBIDDEN');
    const only = asked ?? readProvince(scope);
    const provinces = ctx.catalog.provinces
      .filter((p) => only === undefined || p.code === only)
      .map((p) => ({
        code: p.code,
        zh: p.zh,
        en: p.en,
        abbr: p.abbr,
        hub_node: p.hub_node,
        centers: ctx.registry.centers
          .filter((c) => c.province === p.code)
          .map((c) => ({
            id: c.id,
            name: c.name,
            name_en: c.name_en ?? null,
            operator: c.operator ?? null,
            operator_en: c.operator_en ?? null,
            city: c.city ?? null,
            type: c.type,
            size_class: c.size_class,
            status: c.status ?? 'operating',
            hub_cluster: c.hub_cluster,
            commission_date: c.commission_date,
            racks_installed: c.racks_installed,
            it_rated_kw: c.it_rated_kw,
            model_scale: c.model_scale ?? null,
          })),
      }));
    res.json({ nation: { code: 'CN', ...(only === undefined ? {} : { scoped_to: only }) }, provinces });
  });
}
