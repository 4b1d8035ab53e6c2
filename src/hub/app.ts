/**
 * @module The hub's express application, without listening: authentication, limits, every route area,
 * request metrics and one error handler that speaks the error catalog.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { HubError, errorBody } from './errors.ts';
import { clientCertificate } from './tls.ts';
import { boundAnswer } from '../shared/echo.ts';
import { createContext, isContext, type HubContext, type HubDeps } from './context.ts';
import { AuthFailures, perTokenRateLimit, requireToken, throttleAuthFailures } from './auth/middleware.ts';
import { isStorageUnavailable } from '../storage/errors.ts';
import * as records from './routes/records.ts';
import * as declarations from './routes/declarations.ts';
import * as values from './routes/values.ts';
import * as rankings from './routes/rankings.ts';
import * as coverage from './routes/coverage.ts';
import * as alerts from './routes/alerts.ts';
import * as catalog from './routes/catalog.ts';
import * as hierarchy from './routes/hierarchy.ts';
import * as admin from './routes/admin.ts';
import * as metrics from './routes/metrics.ts';
import * as health from './routes/health.ts';
import * as openapi from './routes/openapi.ts';
import * as reports from './routes/reports.ts';
import * as runbooks from './routes/runbooks.ts';
import * as whoami from './routes/whoami.ts';
import { consoleRouter } from '../console/router.ts';
import type { RouteKit } from './routes/kit.ts';

/** The context a hub app was built with. */
export function hubContext(app: Express): HubContext {
  return app.locals.ctx as HubContext;
}

/** Builds the app; the caller listens (server.ts, tests). */
export function createApp(deps: HubDeps | HubContext): Express {
  const ctx = isContext(deps) ? deps : createContext(deps);
  const app = express();
  app.locals.ctx = ctx;
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    // No answer is to be sniffed into another type, and none that a token unlocked may be kept by a cache.
    res.set('X-Content-Type-Options', 'nosniff');
    if (req.headers.authorization !== undefined || req.path.startsWith('/api/') || req.path === '/metrics')
      res.set('Cache-Control', 'no-store');
    const t0 = performance.now();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      ctx.metrics.requestDuration.observe(
        { method: req.method, route, status: String(res.statusCode) },
        (performance.now() - t0) / 1000,
      );
    });
    next();
  });

  // Windows of real minutes (not the hub's clock, which tests may hold still).
  const failures = new AuthFailures(ctx.config.limits.auth_failures_per_minute);
  failures.onThrottle = (address) =>
    ctx.log(
      'warn',
      `auth: ${address} failed to authenticate ${ctx.config.limits.auth_failures_per_minute} times this minute; refusing it until the minute ends`,
    );
  const kit: RouteKit = {
    auth: [
      throttleAuthFailures(failures),
      requireToken(ctx.state, failures, ctx.now),
      clientCertificate(ctx.config.listen.tls),
      perTokenRateLimit(ctx.config.limits.requests_per_minute),
    ],
    json: express.json({
      limit: ctx.config.limits.json_body_bytes,
      strict: true,
      type: ['application/json', 'application/*+json'],
    }),
  };
  for (const area of [
    health,
    openapi,
    metrics,
    records,
    declarations,
    catalog,
    hierarchy,
    whoami,
    values,
    rankings,
    coverage,
    alerts,
    admin,
    reports,
    runbooks,
  ]) {
    area.register(app, ctx, kit);
  }
  // The web console: static pages that call the API above with the user's token (no CDN, no build step).
  app.use(consoleRouter());

  app.use((_req, _res, next) => next(new HubError('DIMS_ERR_NOT_FOUND')));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = toHubError(err);
    if (e.code === 'DIMS_ERR_UNAUTHENTICATED') ctx.metrics.authFailures.inc({ result: 'refused' });
    else if ((e.details as { reason?: string } | undefined)?.reason === 'auth_failures')
      ctx.metrics.authFailures.inc({ result: 'throttled' });
    if (e.status >= 500 && e.code !== 'DIMS_ERR_STORAGE_UNAVAILABLE')
      ctx.log('error', `${req.method} ${req.path}: ${(err as Error)?.stack ?? String(err)}`);
    if (res.headersSent) return;
    if (e.status === 503) res.set('Retry-After', '5');
    // Invalid batches also carry accepted/rejected at the top, the same shape as a 200, so agents read one shape.
    const batch = e.details && typeof e.details === 'object' && 'rejected' in e.details ? (e.details as object) : {};
    sendJson(res, e.status, boundAnswer({ ...errorBody(e), ...batch }));
  });
  return app;
}

/**
 * Sends an error answer as JSON, always: should serializing it fail, the bare code goes instead, so
 * express's own HTML error page (with a stack) is never what a client sees.
 */
function sendJson(res: Response, status: number, body: { error: { code: string; message: string } }): void {
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch {
    text = JSON.stringify({ error: { code: body.error.code, message: body.error.message } });
  }
  res.status(status).type('application/json').send(text);
}

/** Maps body-parser, storage and unknown failures onto the catalog. */
function toHubError(err: unknown): HubError {
  if (err instanceof HubError) return err;
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.too.large') return new HubError('DIMS_ERR_TOO_LARGE');
  if (e?.type === 'entity.parse.failed')
    return new HubError('DIMS_ERR_BAD_JSON', `the request body is not valid JSON: ${e.message ?? ''}`.trim());
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new HubError('DIMS_ERR_UNSUPPORTED_MEDIA', e.message);
  if (e?.type === 'request.aborted' || e?.type === 'request.size.invalid' || e?.type === 'stream.encoding.set')
    return new HubError('DIMS_ERR_BAD_REQUEST', e.message);
  if (isStorageUnavailable(err))
    return new HubError(
      'DIMS_ERR_STORAGE_UNAVAILABLE',
      `storage is unavailable (${(err as Error).message}); retry later`,
    );
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return new HubError('DIMS_ERR_BAD_REQUEST', e.message);
  return new HubError('DIMS_ERR_INTERNAL');
}
