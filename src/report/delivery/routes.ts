/**
 * @module The hub's delivery routes: `GET /api/v1/report-files/<file>?expires&sig` serves a stored report to
 * whoever holds a signed link from a delivered message (no token), and `GET /api/v1/reports/deliveries`
 * lists the delivery log for the console (a province's readers see their province's deliveries).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { readIndex } from '../schedule.ts';
import { CONTENT_TYPES } from '../render.ts';
import { checkLink, LINK_PATH, linkSecret } from './links.ts';
import { readDeliveries } from './deliver.ts';

export interface DeliveryRouteDeps {
  dir: string;
  before?: RequestHandler[];
  /** Which scopes' deliveries the caller may see: every one (undefined), a province's, or none. */
  visible(req: Request, res: Response): { all: true } | { provinces: string[] };
  now?: () => number;
}

function fail(
  res: Response,
  status: number,
  code: 'DIMS_ERR_LINK_INVALID' | 'DIMS_ERR_NOT_FOUND',
  message: string,
): void {
  res.status(status).json({ error: { code, message } });
}

export function deliveryRouter(deps: DeliveryRouteDeps): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  router.get(`${LINK_PATH}*file`, (req, res) => {
    const parts = (req.params as { file: string[] }).file;
    const file = parts.join('/');
    const q = req.query as Record<string, unknown>;
    const expires = typeof q.expires === 'string' ? q.expires : '';
    const sig = typeof q.sig === 'string' ? q.sig : '';
    // Only files the schedule wrote and indexed, and only with a genuine, unexpired signature.
    const entry = readIndex(deps.dir).find((e) => e.file.split(path.sep).join('/') === file && e.status === 'ok');
    if (!entry || !checkLink(linkSecret(deps.dir), file, expires, sig, now()))
      return fail(res, 403, 'DIMS_ERR_LINK_INVALID', 'the link is not valid or has expired; ask for the report again');
    const abs = path.join(deps.dir, entry.file);
    if (!existsSync(abs)) return fail(res, 404, 'DIMS_ERR_NOT_FOUND', 'the report file is gone');
    res.set({
      'Content-Type': CONTENT_TYPES[entry.format],
      'Content-Disposition': `attachment; filename="${path.basename(entry.file)}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.sendFile(abs);
  });
  router.get('/api/v1/reports/deliveries', ...(deps.before ?? []), (req, res) => {
    const see = deps.visible(req, res);
    const all = readDeliveries(deps.dir);
    const deliveries = ('all' in see ? all : all.filter((d) => see.provinces.includes(d.scope))).slice(-500).reverse();
    res.set('Cache-Control', 'no-store').json({ deliveries });
  });
  return router;
}
