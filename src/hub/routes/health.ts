/** @module GET /healthz (the process answers) and GET /readyz (storage answers and takes writes); no token needed. */
import type { Express } from 'express';
import type { HubContext } from '../context.ts';
import { cut } from '../../shared/echo.ts';

export function register(app: Express, ctx: HubContext): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const s = await ctx.storageHealth.status();
    if (s.ready) return res.json({ status: 'ready', storage: ctx.storage.kind });
    res.set('Retry-After', '5');
    res.status(503).json({
      status: s.reason === 'disk_full' ? 'storage full' : 'storage unavailable',
      storage: ctx.storage.kind,
      reason: s.reason,
      ...(s.message ? { message: cut(s.message, 500) } : {}),
      ...(s.since ? { since: s.since } : {}),
    });
  });
}
