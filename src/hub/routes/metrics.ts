/**
 * @module GET /metrics: Prometheus exposition of indicator gauges and the hub's own metrics. With
 * `metrics.auth: token` (default) a nation or admin token sees everything and a province token only its
 * province's indicator series.
 */
import type { Express, Response } from 'express';
import type { HubContext } from '../context.ts';
import type { RouteKit } from './kit.ts';
import { allow, principal } from '../auth/middleware.ts';
import { canRead, readProvince } from '../auth/scopes.ts';

export function register(app: Express, ctx: HubContext, kit: RouteKit): void {
  const send = async (province: string | undefined, res: Response) => {
    ctx.metrics.dirtyPeriods.set(ctx.state.dirtyPeriods().length);
    ctx.metrics.outboxRecords.set(ctx.state.outboxSize());
    const chunks = await ctx.metrics.render(province);
    // Written chunk by chunk: at 10,000 centers the text is tens of megabytes, too big to join (or to hash
    // for an ETag) on every scrape.
    res.set('Content-Type', ctx.metrics.registry.contentType);
    res.set('Content-Length', String(chunks.reduce((n, c) => n + Buffer.byteLength(c), 0)));
    for (const c of chunks) if (c.length > 0) res.write(c);
    res.end();
  };
  if (ctx.config.metrics.auth === 'none') {
    app.get('/metrics', async (_req, res) => send(undefined, res));
  } else {
    app.get('/metrics', ...kit.auth, allow(canRead), async (_req, res) =>
      send(readProvince(principal(res).scope), res),
    );
  }
}
