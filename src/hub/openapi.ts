/**
 * @module The hub's OpenAPI 3.1 document, served at /api/v1/openapi.json. A test walks the express router
 * and this document both ways, so a route cannot be added or removed without updating it.
 */
import { ERRORS } from './errors.ts';

const bearer = [{ bearer: [] }];
const err = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const common = {
  401: err('no valid token: none, unknown, revoked or expired (DIMS_ERR_UNAUTHENTICATED)'),
  403: err(
    'scope does not allow this (DIMS_ERR_FORBIDDEN, DIMS_ERR_PROVINCE_FORBIDDEN); with listen.tls.client_ca, an agent or federate token without a client certificate naming it (DIMS_ERR_CLIENT_CERT_REQUIRED, DIMS_ERR_CLIENT_CERT_MISMATCH)',
  ),
  429: err(
    'per-token rate limit, or too many failed authentications from this address this minute (DIMS_ERR_RATE_LIMITED, Retry-After)',
  ),
};
/** Answers of the newest period carry a strong ETag (kept until that period's next run). */
const notModified = {
  304: {
    description: 'not modified: If-None-Match names the ETag of this answer, kept until the next run of the period',
  },
};
const json = (schema: object, description = 'ok') => ({ description, content: { 'application/json': { schema } } });
const q = (name: string, description: string, schema: object = { type: 'string' }, required = false) => ({
  name,
  in: 'query',
  required,
  description,
  schema,
});
const kind = q(
  'kind',
  'period kind; default: the kind the period name can only be (2026-11 → month, 2026-Q3 → quarter …), else the route default. A kind that contradicts the period name is a 400 naming both.',
  { enum: ['realtime', 'hour', 'day', 'month', 'quarter', 'year'] },
);
const period = q(
  'period',
  'period name (2026-10-05T13, 2026-10-05, 2026-10, 2026-Q3, 2026) or the RFC 3339 end of a real-time window; default: the newest',
);
const pdfUnavailable = err(
  'pdf asked and Chromium or a CJK font is not installed (DIMS_ERR_REPORT_ENGINE_MISSING), or more PDFs are ' +
    'printing and waiting than the hub takes at once (DIMS_ERR_REPORT_BUSY, with Retry-After)',
);
const province = q('province', 'GB/T 2260 province code', { type: 'string', pattern: '^[1-6][0-9]$' });
const batch = {
  type: 'object',
  properties: {
    accepted: { type: 'array', items: { type: 'string' } },
    rejected: { type: 'array', items: { $ref: '#/components/schemas/Rejected' } },
  },
};
/** The answer to `Prefer: return=minimal`: how many were accepted (every record not listed as rejected). */
const minimalBatch = {
  type: 'object',
  properties: {
    accepted_count: { type: 'integer', minimum: 0 },
    rejected: { type: 'array', items: { $ref: '#/components/schemas/Rejected' } },
  },
};

export function openapiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'dims hub',
      version: '1',
      description:
        'Provincial or national hub: ingest of center records and declarations, indicator values, rankings, coverage, alerts.',
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'scopes: nation, province:<code>, admin, agent:<center>, center:<center>, federate:<code>, alertmanager',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { enum: Object.keys(ERRORS) }, message: { type: 'string' }, details: {} },
            },
          },
        },
        Rejected: {
          type: 'object',
          required: ['index', 'errors'],
          properties: {
            index: { type: 'integer' },
            key: { type: 'string' },
            row: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                properties: { path: { type: 'string' }, message: { type: 'string' }, value: {} },
              },
            },
          },
        },
        CenterRecord: {
          $ref: 'https://dims.invalid/schema/center-record.schema.json',
          description: 'see the published center-record schema',
        },
        Value: { type: 'object', description: 'an indicator value with meta (name, unit, direction, targets met)' },
      },
    },
    paths: {
      '/healthz': { get: { summary: 'liveness', responses: { 200: json({ type: 'object' }) } } },
      '/readyz': {
        get: {
          summary: 'readiness: storage answers a ping and takes writes',
          responses: {
            200: json({ type: 'object' }),
            503: json(
              { type: 'object' },
              'storage unavailable or full: {status, reason: disk_full | unavailable, message, since}; ready again once a write or a probe write succeeds',
            ),
          },
        },
      },
      '/metrics': {
        get: {
          summary:
            'Prometheus metrics (dims_indicator_value, dims_indicator_coverage_ratio, dims_center_last_record_timestamp_seconds, dims_hub_*)',
          security: bearer,
          responses: { 200: { description: 'text exposition', content: { 'text/plain': {} } }, ...common },
        },
      },
      '/api/v1/openapi.json': { get: { summary: 'this document', responses: { 200: json({ type: 'object' }) } } },
      '/api/v1/records': {
        post: {
          summary:
            'push center records (agent:<center> for its own center, federate:<code> for its province); idempotent',
          security: bearer,
          parameters: [
            {
              name: 'Prefer',
              in: 'header',
              required: false,
              description:
                'return=minimal (RFC 7240): answer with accepted_count instead of the accepted keys; the answer then ' +
                'carries Preference-Applied: return=minimal',
              schema: { type: 'string' },
            },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['records'],
                  properties: { records: { type: 'array', items: { $ref: '#/components/schemas/CenterRecord' } } },
                },
              },
            },
          },
          responses: {
            200: json(
              { oneOf: [batch, minimalBatch] },
              'valid records stored; invalid ones listed (accepted keys, or accepted_count with Prefer: return=minimal)',
            ),
            400: err(
              'no valid record; nothing written (also carries accepted/rejected). Telemetry intervals must divide an hour and start on a multiple of themselves; telemetry overlapping telemetry of its center is rejected',
            ),
            413: err(
              'body or record count over the limit, or the late records would mark more than limits.dirty_periods_per_request closed periods; nothing written',
            ),
            503: err('storage unavailable; nothing acknowledged, retry'),
            ...common,
          },
        },
      },
      '/api/v1/declarations': {
        post: {
          summary:
            'file declarations (admin: any center; agent/federate: own center or province) as JSON, CSV or .xlsx',
          security: bearer,
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    declarations: {
                      type: 'array',
                      items: {
                        type: 'object',
                        description: 'center record with source declaration; period may replace start/end',
                      },
                    },
                  },
                },
              },
              'text/csv': {
                schema: { type: 'string', description: 'header: center, period (or start, end), metric ids or names' },
              },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
                schema: { type: 'string', format: 'binary' },
              },
              'multipart/form-data': {
                schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } },
              },
            },
          },
          responses: {
            200: json(batch),
            400: err('invalid declarations (numbers in decimal only); nothing written'),
            413: err('upload over the limit, or an .xlsx expanding beyond limits.upload_expanded_bytes'),
            415: err('unsupported content type'),
            503: err('storage unavailable'),
            ...common,
          },
        },
      },
      '/api/v1/catalog': {
        get: {
          summary: 'indicators, dimensions, level names, provinces, declarable metrics',
          security: bearer,
          responses: { 200: json({ type: 'object' }), ...common },
        },
      },
      '/api/v1/hierarchy': {
        get: {
          summary: 'provinces → centers (a province token sees its own)',
          security: bearer,
          parameters: [province],
          responses: { 200: json({ type: 'object' }), ...common },
        },
      },
      '/api/v1/whoami': {
        get: {
          summary:
            "the caller's own token: its scope, the province or center it is bound to (by name), and the newest ended " +
            "month, quarter and year by the hub's clock (any valid token; the console signs in with it)",
          security: bearer,
          responses: { 200: json({ type: 'object' }), ...common },
        },
      },
      '/api/v1/values': {
        get: {
          summary: 'indicator values of one node (level+code) or every node of a level, for one period',
          security: bearer,
          parameters: [
            q('level', 'nation | province | center', { enum: ['nation', 'province', 'center'] }),
            q('code', 'CN, a province code or a center id'),
            province,
            kind,
            period,
            q('indicators', 'comma-separated ids or codes'),
            q('dimension', 'A | B | C | D'),
          ],
          responses: {
            200: json({
              type: 'object',
              properties: { values: { type: 'array', items: { $ref: '#/components/schemas/Value' } } },
            }),
            ...notModified,
            400: err('bad parameter'),
            404: err('unknown center'),
            ...common,
          },
        },
      },
      '/api/v1/overview': {
        get: {
          summary: 'national overview: nation values and every province (nation/admin)',
          security: bearer,
          parameters: [kind, period, q('indicators', 'comma-separated'), q('dimension', 'A | B | C | D')],
          responses: { 200: json({ type: 'object' }), ...notModified, ...common },
        },
      },
      '/api/v1/series': {
        get: {
          summary: 'time series of one indicator at one node',
          security: bearer,
          parameters: [
            q('indicator', 'id or code', { type: 'string' }, true),
            q('level', 'nation | province | center'),
            q('code', 'node code'),
            kind,
            q('from', 'RFC 3339'),
            q('to', 'RFC 3339'),
          ],
          responses: { 200: json({ type: 'object' }), 400: err('bad parameter'), ...common },
        },
      },
      '/api/v1/rankings': {
        get: {
          summary:
            "provinces, or one province's centers, ranked on an indicator (direction respected, ties share a rank)",
          security: bearer,
          parameters: [
            q('indicator', 'id or code', { type: 'string' }, true),
            q('level', 'province | center', { enum: ['province', 'center'] }),
            province,
            kind,
            period,
          ],
          responses: { 200: json({ type: 'object' }), ...notModified, 400: err('bad parameter'), ...common },
        },
      },
      '/api/v1/coverage': {
        get: {
          summary: 'who reported in a period and who is late now',
          security: bearer,
          parameters: [province, kind, period],
          responses: { 200: json({ type: 'object' }), ...common },
        },
      },
      '/api/v1/alerts': {
        post: {
          summary: 'Alertmanager webhook (version 4); deduplicated on fingerprint+status+startsAt',
          security: bearer,
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { $ref: 'https://dims.invalid/schema/alertmanager-webhook-v4.schema.json' },
              },
            },
          },
          responses: { 200: json({ type: 'object' }), 400: err('invalid payload'), ...common },
        },
        get: {
          summary: "alert history (a province token sees its province's alerts)",
          security: bearer,
          parameters: [
            province,
            q('status', 'firing | resolved'),
            q('since', 'RFC 3339'),
            q('limit', '1..10000', { type: 'integer' }),
          ],
          responses: { 200: json({ type: 'object' }), ...common },
        },
      },
      '/api/v1/admin/recompute': {
        post: {
          summary: 'recompute one closed period (admin)',
          security: bearer,
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['kind', 'period'],
                  properties: {
                    kind: { enum: ['hour', 'day', 'month', 'quarter', 'year'] },
                    period: { type: 'string' },
                  },
                },
              },
            },
          },
          responses: {
            200: json({ type: 'object' }),
            400: err('bad kind or period'),
            503: err('storage unavailable'),
            ...common,
          },
        },
      },
      '/api/v1/reports/{scope}/{period}.{format}': {
        get: {
          summary:
            'monthly, quarterly or yearly report of a province (its token) or the nation (nation/admin) as xlsx, csv, json or pdf',
          security: bearer,
          parameters: [
            {
              name: 'scope',
              in: 'path',
              required: true,
              schema: { type: 'string' },
              description: 'province code or nation',
            },
            {
              name: 'period',
              in: 'path',
              required: true,
              schema: { type: 'string' },
              description: '2026-10, 2026-Q3 or 2026',
            },
            { name: 'format', in: 'path', required: true, schema: { enum: ['xlsx', 'csv', 'json', 'pdf'] } },
            q('lang', 'zh | en'),
            q('suppress', 'true: small-cell suppression of the national report'),
          ],
          responses: {
            200: { description: 'the report file' },
            400: err('bad scope, period or format'),
            503: pdfUnavailable,
            ...common,
          },
        },
      },
      '/api/v1/reports/center/{center}/{period}.{format}': {
        get: {
          summary:
            "a center's own report (its center:<id> token, its province's token, nation or admin): its indicators, " +
            'rank in the province, completeness, changes',
          security: bearer,
          parameters: [
            { name: 'center', in: 'path', required: true, schema: { type: 'string' }, description: 'center id' },
            {
              name: 'period',
              in: 'path',
              required: true,
              schema: { type: 'string' },
              description: '2026-10, 2026-Q3 or 2026',
            },
            { name: 'format', in: 'path', required: true, schema: { enum: ['xlsx', 'csv', 'json', 'pdf'] } },
            q('lang', 'zh | en'),
          ],
          responses: {
            200: { description: 'the report file' },
            400: err('unknown center, bad period or format'),
            503: pdfUnavailable,
            ...common,
          },
        },
      },
      '/api/v1/reports/deliveries': {
        get: {
          summary:
            "delivery log of scheduled reports (e-mail and group-chat robots), newest first, at most 500: a province's " +
            'readers see their province, nation and admin every scope (only with reports configured)',
          security: bearer,
          responses: {
            200: json({
              type: 'object',
              required: ['deliveries'],
              properties: {
                deliveries: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['at', 'kind', 'period', 'scope', 'lang', 'channel', 'target', 'status', 'attempts'],
                    properties: {
                      at: { type: 'string', format: 'date-time' },
                      kind: { enum: ['month', 'quarter', 'year'] },
                      period: { type: 'string' },
                      scope: { type: 'string', description: 'province code or nation' },
                      lang: { enum: ['zh', 'en'] },
                      channel: { enum: ['email', 'wecom', 'dingtalk', 'feishu'] },
                      target: {
                        type: 'string',
                        description: "the addresses, or the robot's host (never its keyed URL)",
                      },
                      status: { enum: ['sent', 'failed'] },
                      attempts: { type: 'integer' },
                      error: { type: 'string' },
                    },
                  },
                },
              },
            }),
            ...common,
          },
        },
      },
      '/api/v1/report-files/{file}': {
        get: {
          summary:
            'a scheduled report file opened by the signed link a delivery carried (no token: the link is the ' +
            'credential, valid for one indexed file until it expires; only with reports configured)',
          parameters: [
            {
              name: 'file',
              in: 'path',
              required: true,
              schema: { type: 'string' },
              description: 'the file in the reports folder, e.g. month/2026-10/52-2026-10.zh.pdf (slashes as they are)',
            },
            q('expires', 'when the link expires (Unix seconds)', { type: 'string', pattern: '^[0-9]{1,12}$' }, true),
            q('sig', 'HMAC-SHA256 of the file and expiry, base64url', { type: 'string' }, true),
          ],
          responses: {
            200: { description: 'the report file' },
            403: err('forged, altered or expired link (DIMS_ERR_LINK_INVALID)'),
            404: err('the indexed file is gone (DIMS_ERR_NOT_FOUND)'),
          },
        },
      },
      '/api/v1/admin/status': {
        get: {
          summary: 'engine checkpoints, dirty periods, outbox (admin)',
          security: bearer,
          responses: { 200: json({ type: 'object' }), ...common },
        },
      },
    },
  };
}
