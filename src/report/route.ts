/**
 * @module The hub's report download: `GET /api/v1/reports/:scope/:period.:format` as an express router.
 *
 * scope is a province code or `nation`; period a month (2026-10), quarter (2026-Q3) or year (2026);
 * format xlsx, csv, json or pdf; query `lang=zh|en` (default zh) and `suppress=true` (small-cell
 * suppression of the national report's province breakdown). The router does not know about tokens:
 * the hub passes its authentication middleware in `before` and an `authorize` function that answers
 * whether this request's caller may read the scope (a provincial token reads its own province only,
 * the national report needs a nation or admin token). `GET /api/v1/reports/center/:center/:period.:format`
 * is a center's own report, allowed by `authorizeCenter`. Errors use the hub's error shape and codes; a
 * PDF asked where Chromium is not installed is 503 `DIMS_ERR_REPORT_ENGINE_MISSING` naming what to install.
 *
 * Mounting in the hub (src/hub/app.ts, before the 404 handler):
 *
 *   app.use(reportRouter({
 *     inputs: storageInputs(ctx.storage, { catalog: ctx.catalog, registry: ctx.registry, tz: ctx.config.timezone }),
 *     before: kit.auth,
 *     authorize: (_req, res, scope) => scope === 'nation' ? readsAll(principal(res).scope) : canReadProvince(principal(res).scope, scope),
 *     now: ctx.now,
 *     onReport: (e) => ctx.metrics.reportRequests?.inc({ format: e.format, result: e.result }),
 *   }));
 */
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Lang } from '../catalog/docs.ts';
import type { ReportInputs } from './inputs.ts';
import {
  checkRequest,
  FORMATS,
  ReportRequestError,
  type FormConfig,
  type ReportFormat,
  type ReportRequest,
} from './model.ts';
import { checkPeriodAndLang } from './request.ts';
import { resolveCenter } from './center.ts';
import { generateReport } from './render.ts';
import { PdfBusy, PdfEngineMissing } from './pdf.ts';
import type { ReportCache, ReportFile, ReportKey } from './cache.ts';
import { periodKindOf, periodWindow } from '../model/periods.ts';
import { boundAnswer } from '../shared/echo.ts';

export const REPORT_PATH = '/api/v1/reports/:scope/:period.:format';
/** A center's own report (read with a `center:<id>` token, or by its province's readers). */
export const CENTER_REPORT_PATH = '/api/v1/reports/center/:center/:period.:format';

export interface ReportRouteEvent {
  scope: string;
  period: string;
  format: ReportFormat;
  result: 'ok' | 'error';
  ms: number;
  bytes: number;
}

export interface ReportRouteDeps {
  /** Where values come from (the hub: `storageInputs(ctx.storage, …)`). */
  inputs: ReportInputs;
  /** Middleware run before the handler: the hub's token authentication and rate limit. */
  before?: RequestHandler[];
  /** Whether the authenticated caller may read `scope` (a province code or `nation`). */
  authorize(req: Request, res: Response, scope: string): boolean;
  /** Whether the caller may read this center's own report (the center's province from the registry). */
  authorizeCenter?(req: Request, res: Response, center: string, province: string | undefined): boolean;
  /** The deployment's statistical form header. */
  form?: FormConfig;
  /** Clock for the generation time (default Date.now). */
  now?: () => number;
  /** Called after each request (metrics). */
  onReport?(e: ReportRouteEvent): void;
  /** Rendered reports of closed periods, kept (the hub's; invalidated when values are stored again). */
  cache?: ReportCache;
}

/** Seconds a caller refused for too many PDF prints at once is asked to wait. */
const PDF_RETRY_AFTER_S = 5;

function fail(res: Response, status: number, code: string, message: string, details?: unknown): void {
  res.status(status).json(boundAnswer({ error: { code, message, ...(details === undefined ? {} : { details }) } }));
}

/** Maps a failed report to an answer: a missing PDF engine names what to install; the rest goes to the hub. */
function failed(err: unknown, res: Response, next: NextFunction): void {
  if (err instanceof PdfEngineMissing) return fail(res, 503, 'DIMS_ERR_REPORT_ENGINE_MISSING', err.message);
  if (err instanceof PdfBusy) {
    res.set('Retry-After', String(PDF_RETRY_AFTER_S));
    return fail(res, 503, 'DIMS_ERR_REPORT_BUSY', err.message);
  }
  if (err instanceof ReportRequestError)
    return fail(res, 400, 'DIMS_ERR_BAD_PARAMETER', err.message, { field: err.field, value: err.value });
  next(err);
}

function send(res: Response, r: ReportFile): void {
  res.status(200);
  res.set({
    'Content-Type': r.contentType,
    'Content-Length': String(r.body.length),
    'Content-Disposition': `attachment; filename="${r.fileName}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(r.body);
}

function flag(v: unknown, name: string): boolean {
  if (v === undefined) return false;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ReportRequestError(name, v, 'must be true or false');
}

/** Whether a period has ended (only then is its report kept in the cache). */
function closed(inputs: ReportInputs, period: string, nowMs: number): boolean {
  const kind = periodKindOf(period);
  return kind !== undefined && periodWindow(kind, period, inputs.tz).toMs <= nowMs;
}

/** Builds (or takes from the cache) one report and answers with it; the event goes to `onReport` either way. */
async function answer(
  deps: ReportRouteDeps,
  res: Response,
  next: NextFunction,
  req: ReportRequest & { center?: boolean },
  key: ReportKey,
): Promise<void> {
  const t0 = performance.now();
  const event = { scope: key.scope, period: key.period, format: key.format };
  const make = () => generateReport(deps.inputs, req, key.format);
  try {
    const useCache = deps.cache && closed(deps.inputs, key.period, (deps.now ?? Date.now)());
    const r = useCache ? await deps.cache!.get(key, make) : await make();
    send(res, r);
    deps.onReport?.({ ...event, result: 'ok', ms: performance.now() - t0, bytes: r.body.length });
  } catch (err) {
    deps.onReport?.({ ...event, result: 'error', ms: performance.now() - t0, bytes: 0 });
    failed(err, res, next);
  }
}

/** The router; see the module comment for how the hub mounts it. */
export function reportRouter(deps: ReportRouteDeps): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  router.get(REPORT_PATH, ...(deps.before ?? []), async (req: Request, res: Response, next: NextFunction) => {
    const { scope, period, format } = req.params as { scope: string; period: string; format: string };
    let lang: Lang;
    let suppress: boolean;
    try {
      if (!(FORMATS as string[]).includes(format))
        throw new ReportRequestError('format', format, `must be one of ${FORMATS.join(', ')}`);
      const q = req.query as Record<string, unknown>;
      lang = (q.lang ?? 'zh') as Lang;
      suppress = flag(q.suppress, 'suppress');
      checkRequest(deps.inputs.catalog, { scope, period, lang });
    } catch (err) {
      return failed(err, res, next);
    }
    if (!deps.authorize(req, res, scope)) {
      return scope === 'nation'
        ? fail(res, 403, 'DIMS_ERR_FORBIDDEN', 'the national report needs a nation or admin token')
        : fail(res, 403, 'DIMS_ERR_PROVINCE_FORBIDDEN', 'the token may not read or write this province');
    }
    const generatedAt = new Date(now());
    const form = deps.form ? { form: deps.form } : {};
    const key = { scope, period, format: format as ReportFormat, lang, suppress };
    await answer(deps, res, next, { scope, period, lang, suppress, generatedAt, ...form }, key);
  });
  router.get(CENTER_REPORT_PATH, ...(deps.before ?? []), async (req: Request, res: Response, next: NextFunction) => {
    const { center, period, format } = req.params as { center: string; period: string; format: string };
    const lang = ((req.query as Record<string, unknown>).lang ?? 'zh') as Lang;
    const generatedAt = new Date(now());
    try {
      if (!(FORMATS as string[]).includes(format))
        throw new ReportRequestError('format', format, `must be one of ${FORMATS.join(', ')}`);
      checkPeriodAndLang({ period, lang });
      resolveCenter(deps.inputs, { scope: center, period, lang, generatedAt });
    } catch (err) {
      return failed(err, res, next);
    }
    const province = deps.inputs.registry.byId.get(center)?.province;
    if (!deps.authorizeCenter?.(req, res, center, province))
      return fail(res, 403, 'DIMS_ERR_FORBIDDEN', "the token may not read this center's report");
    const form = deps.form ? { form: deps.form } : {};
    const key = { scope: `center:${center}`, period, format: format as ReportFormat, lang, suppress: false };
    await answer(deps, res, next, { scope: center, period, lang, center: true, generatedAt, ...form }, key);
  });
  return router;
}
