/** @module GET /api/v1/catalog: the indicators, dimensions, level names, provinces and declarable metrics clients build on. */
import type { Express } from 'express';
import type { HubContext } from '../context.ts';
import type { RouteKit } from './kit.ts';
import { allow } from '../auth/middleware.ts';
import { canRead } from '../auth/scopes.ts';

export function register(app: Express, ctx: HubContext, kit: RouteKit): void {
  const c = ctx.catalog;
  // The catalog does not change while the hub runs: build the answer once.
  const body = {
    version: c.version,
    dimensions: ['A', 'B', 'C', 'D'],
    levels: c.levels,
    indicators: c.indicators.map(({ file: _file, ...rest }) => rest),
    provinces: c.provinces,
    hub_nodes: c.hubNodes,
    clusters: c.clusters,
    declaration_metrics: c.metrics.filter((m) => m.source === 'declaration'),
  };
  app.get('/api/v1/catalog', ...kit.auth, allow(canRead), (_req, res) => {
    res.json(body);
  });
}
