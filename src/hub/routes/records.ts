/** @module POST /api/v1/records: the push contract of agents and federating provincial hubs. */
import type { Express, Request } from 'express';
import type { HubContext } from '../context.ts';
import type { RouteKit } from './kit.ts';
import { allow, principal } from '../auth/middleware.ts';
import { canPushRecords } from '../auth/scopes.ts';
import { HubError } from '../errors.ts';
import { echoText } from '../../shared/echo.ts';
import { ingest, ingestAnswer } from '../ingest.ts';
import { prefersMinimal } from '../../push/protocol.ts';
import { recordsBody } from '../records-body.ts';

export function register(app: Express, ctx: HubContext, kit: RouteKit): void {
  // Batches are the hub's bulk traffic: parsed without one string of the whole body (see records-body.ts).
  const parseBody = recordsBody(ctx.config.limits.json_body_bytes);
  app.post('/api/v1/records', ...kit.auth, allow(canPushRecords), parseBody, async (req, res) => {
    const minimal = prefersMinimal(req.get('prefer'));
    // The batch goes straight into ingest, held by no variable here (see ingest: no record outlives the write).
    const result = await ingest(
      ctx.ingest,
      principal(res).scope,
      takeRecords(req, ctx.config.limits.records_per_request),
      { declaration: false, countOnly: minimal },
    );
    if (ctx.config.engine.enabled && result.acceptedCount > 0)
      ctx.engine.requestRealtime(ctx.config.engine.refresh_on_ingest_ms);
    if (minimal) res.set('Preference-Applied', 'return=minimal');
    res.json(ingestAnswer(result, minimal));
  });
}

/** The records of a push body (checked for shape and count), taken out of the request. */
function takeRecords(req: Request, max: number): unknown[] {
  const body = req.body as unknown;
  if (
    !body ||
    typeof body !== 'object' ||
    Array.isArray(body) ||
    !Array.isArray((body as { records?: unknown }).records)
  ) {
    throw new HubError('DIMS_ERR_BAD_REQUEST', 'the body must be a JSON object { "records": [ ... ] }', {
      path: '/records',
      value: body && typeof body === 'object' ? (body as { records?: unknown }).records : body,
    });
  }
  const raws = (body as { records: unknown[] }).records;
  const extra = Object.keys(body).filter((k) => k !== 'records');
  if (extra.length > 0)
    throw new HubError(
      'DIMS_ERR_BAD_REQUEST',
      `the body has fields other than records (got ${echoText(extra.slice(0, 5))})`,
      { path: `/${extra[0]}` },
    );
  if (raws.length === 0)
    throw new HubError('DIMS_ERR_BAD_REQUEST', 'records is empty', { path: '/records', value: [] });
  if (raws.length > max)
    throw new HubError('DIMS_ERR_TOO_LARGE', `at most ${max} records per request (got ${raws.length})`);
  req.body = undefined;
  return raws;
}
