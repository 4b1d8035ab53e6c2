/**
 * @module Alert history: POST /api/v1/alerts receives Alertmanager webhooks (payload version 4, validated
 * with ajv) and keeps every distinct (fingerprint, status, startsAt); GET /api/v1/alerts lists the history,
 * limited by the `province` label to what the caller may read.
 */
import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import type { HubContext } from '../context.ts';
import type { RouteKit } from './kit.ts';
import { compileSchema } from '../../shared/json-schema.ts';
import { allow, principal } from '../auth/middleware.ts';
import { canPostAlerts, canRead, canReadProvince, readProvince } from '../auth/scopes.ts';
import { HubError } from '../errors.ts';
import { echoText } from '../../shared/echo.ts';
import type { AlertRow } from '../state-db.ts';
import { bad, intParam, provinceParam, str, timeParam } from './params.ts';

interface WebhookAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  fingerprint: string;
}

interface Webhook {
  version: '4';
  receiver?: string;
  status: string;
  alerts: WebhookAlert[];
}

const validate = compileSchema<Webhook>(
  JSON.parse(readFileSync(new URL('../alertmanager.schema.json', import.meta.url), 'utf8')) as object,
);

/** The province code of an alert: its `province` label, as a code or a province abbreviation; '' for none. */
export function alertProvince(ctx: HubContext, labels: Record<string, string>): string {
  const p = labels.province;
  if (!p) {
    const center = labels.center ? ctx.registry.byId.get(labels.center) : undefined;
    return center?.province ?? '';
  }
  if (ctx.catalog.provinceByCode.has(p)) return p;
  const byAbbr = ctx.catalog.provinces.find((x) => x.abbr === p || x.en === p);
  return byAbbr?.code ?? p;
}

export function register(app: Express, ctx: HubContext, kit: RouteKit): void {
  app.post('/api/v1/alerts', ...kit.auth, allow(canPostAlerts), kit.json, (req, res) => {
    const problems = validate.problems(req.body);
    if (problems.length > 0)
      throw new HubError(
        'DIMS_ERR_INVALID_ALERT',
        `the webhook payload is invalid: ${problems
          .slice(0, 5)
          .map((p) => `${p.path} ${p.message} (got ${echoText(p.value)})`)
          .join('; ')}`,
        { problems: problems.slice(0, 50) },
      );
    const body = req.body as Webhook;
    const now = ctx.now();
    const rows: AlertRow[] = body.alerts.map((a) => ({
      fingerprint: a.fingerprint,
      status: a.status,
      starts_at: a.startsAt,
      // Alertmanager sends year 0001 while firing: that is "no end yet".
      ends_at: a.endsAt.startsWith('0001-') ? null : a.endsAt,
      alertname: a.labels.alertname ?? null,
      province: alertProvince(ctx, a.labels),
      severity: a.labels.severity ?? null,
      labels: a.labels,
      annotations: a.annotations,
      generator_url: a.generatorURL ?? null,
      receiver: body.receiver ?? null,
      received_at: now,
    }));
    const added = ctx.state.insertAlerts(rows);
    for (const r of rows) ctx.metrics.alertsReceived.inc({ status: r.status }, 0);
    if (added > 0) ctx.metrics.alertsReceived.inc({ status: body.status }, added);
    res.json({ received: rows.length, stored: added, duplicates: rows.length - added });
  });

  app.get('/api/v1/alerts', ...kit.auth, allow(canRead), (req, res) => {
    const scope = principal(res).scope;
    const asked = provinceParam(ctx, req);
    if (asked !== undefined && !canReadProvince(scope, asked)) throw new HubError('DIMS_ERR_PROVINCE_FORBIDDEN');
    const only = asked ?? readProvince(scope);
    const status = str(req, 'status');
    if (status !== undefined && status !== 'firing' && status !== 'resolved')
      throw bad('status', status, 'must be firing or resolved');
    const since = timeParam(req, 'since');
    const limit = intParam(req, 'limit', 500, 1, 10_000);
    const alerts = ctx.state.listAlerts({
      ...(only !== undefined ? { provinces: [only] } : {}),
      ...(status ? { status } : {}),
      ...(since !== undefined ? { sinceMs: since } : {}),
      limit,
    });
    res.json({
      alerts: alerts.map((a) => ({
        fingerprint: a.fingerprint,
        status: a.status,
        startsAt: a.starts_at,
        endsAt: a.ends_at,
        alertname: a.alertname,
        province: a.province || null,
        severity: a.severity,
        labels: a.labels,
        annotations: a.annotations,
        generatorURL: a.generator_url,
        receiver: a.receiver,
        receivedAt: new Date(a.received_at).toISOString(),
      })),
    });
  });
}
