/** @module GET /healthz (the process answers) and GET /readyz (storage answers a ping); no token needed. */
import type { Express } from 'express';
import type { HubContext } from '../context.ts';

export function register(app: Express, ctx: HubContext): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    let ok = false;
    try {
      ok = await ctx.storage.ping();
    } catch {
      ok = false;
    }
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'storage unavailable', storage: ctx.storage.kind });
  });
}
