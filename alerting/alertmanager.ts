/**
 * @module The Alertmanager configuration generated from a routing file (YAML, validated against
 * routing.schema.json): province routes by severity, the hub's alert history as a `continue` route that sees
 * every alert, the Watchdog to its own receiver, and two inhibitions (critical mutes the warning of the same
 * alert and node; a center whose records stopped mutes that center's indicator alerts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify } from 'yaml';
import { compileSchema } from '../src/shared/json-schema.ts';

export interface Routing {
  default_receiver: string;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: { critical?: string; warning?: string };
  hub_history: { url: string; bearer_token_file?: string };
  watchdog_receiver?: string;
  smtp?: {
    smarthost: string;
    from: string;
    auth_username?: string;
    auth_password_file?: string;
    require_tls?: boolean;
  };
  wechat?: { api_url?: string; corp_id: string; api_secret: string };
  receivers: Array<{
    name: string;
    webhook?: Array<{ url: string; bearer_token_file?: string }>;
    email?: Array<{ to: string }>;
    wechat?: Array<{ agent_id: string; to_party?: string; to_user?: string }>;
  }>;
  provinces?: Array<{ codes: string[]; receiver: string; critical_receiver?: string }>;
}

const schema = JSON.parse(readFileSync(new URL('./routing.schema.json', import.meta.url), 'utf8')) as object;
const validator = compileSchema<Routing>(schema);

/** Validates a routing document; throws an Error listing every problem (schema and cross-references). */
export function parseRouting(data: unknown, label = 'routing'): Routing {
  const problems = validator.problems(data).map((p) => `${label}: ${p.path || '/'} ${p.message}`);
  if (problems.length === 0) {
    const r = data as Routing;
    const names = new Set(r.receivers.map((x) => x.name));
    const refs = [
      r.default_receiver,
      r.watchdog_receiver,
      ...(r.provinces ?? []).flatMap((p) => [p.receiver, p.critical_receiver]),
    ].filter((x): x is string => x !== undefined);
    for (const ref of refs)
      if (!names.has(ref)) problems.push(`${label}: receiver "${ref}" is used but not defined under receivers`);
    for (const reserved of [HUB_RECEIVER, SILENT_RECEIVER])
      if (names.has(reserved)) problems.push(`${label}: receiver name "${reserved}" is reserved`);
    if (r.receivers.some((x) => x.email?.length) && !r.smtp)
      problems.push(`${label}: email receivers need the smtp section`);
    if (r.receivers.some((x) => x.wechat?.length) && !r.wechat)
      problems.push(`${label}: wechat receivers need the wechat section`);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return data as Routing;
}

/** The sample routing shipped beside this file: what `dims rules build` and the demo use without `--routing`. */
export const SAMPLE_ROUTING = fileURLToPath(new URL('./routing.sample.yaml', import.meta.url));

export function loadRouting(file: string): Routing {
  return parseRouting(parseYaml(readFileSync(file, 'utf8')), file);
}

export const HUB_RECEIVER = 'dims-hub-history';
/** A receiver without integrations: what it takes is recorded (hub history) but notifies nobody. */
export const SILENT_RECEIVER = 'dims-silent';

const bearer = (file?: string) =>
  file ? { http_config: { authorization: { type: 'Bearer', credentials_file: file } } } : {};

/** alertmanager.yml text. */
export function alertmanagerYaml(r: Routing): string {
  const crit = r.repeat_interval?.critical ?? '1h';
  const warn = r.repeat_interval?.warning ?? '4h';
  const severityRoutes = (receiver: string, critical?: string) => [
    { receiver: critical ?? receiver, matchers: ['severity="critical"'], repeat_interval: crit },
    { receiver, matchers: ['severity="warning"'], repeat_interval: warn },
  ];
  const routes: object[] = [
    // Every alert is recorded in the hub's history; `continue` lets the routes below page people too.
    {
      receiver: HUB_RECEIVER,
      matchers: [],
      continue: true,
      group_wait: '0s',
      group_interval: r.group_interval ?? '5m',
    },
  ];
  if (r.watchdog_receiver)
    routes.push({
      receiver: r.watchdog_receiver,
      matchers: ['alertname="Watchdog"'],
      group_wait: '0s',
      repeat_interval: '5m',
    });
  // Without a dead-man's-switch service the heartbeat is only kept in the hub history (route above), never paged.
  else routes.push({ receiver: SILENT_RECEIVER, matchers: ['alertname="Watchdog"'] });
  for (const p of r.provinces ?? []) {
    routes.push({
      receiver: p.receiver,
      matchers: [`province=~"${p.codes.join('|')}"`],
      routes: severityRoutes(p.receiver, p.critical_receiver),
    });
  }
  const global: Record<string, unknown> = { resolve_timeout: '5m' };
  if (r.smtp) {
    Object.assign(global, {
      smtp_smarthost: r.smtp.smarthost,
      smtp_from: r.smtp.from,
      smtp_require_tls: r.smtp.require_tls ?? true,
    });
    if (r.smtp.auth_username) global.smtp_auth_username = r.smtp.auth_username;
    if (r.smtp.auth_password_file) global.smtp_auth_password_file = r.smtp.auth_password_file;
  }
  if (r.wechat)
    Object.assign(global, {
      wechat_api_url: r.wechat.api_url ?? 'https://qyapi.weixin.qq.com/cgi-bin/',
      wechat_api_corp_id: r.wechat.corp_id,
      wechat_api_secret: r.wechat.api_secret,
    });
  const receivers = [
    ...(r.watchdog_receiver ? [] : [{ name: SILENT_RECEIVER }]),
    {
      name: HUB_RECEIVER,
      webhook_configs: [
        { url: r.hub_history.url, send_resolved: true, max_alerts: 0, ...bearer(r.hub_history.bearer_token_file) },
      ],
    },
    ...r.receivers.map((x) => ({
      name: x.name,
      ...(x.webhook?.length
        ? {
            webhook_configs: x.webhook.map((w) => ({
              url: w.url,
              send_resolved: true,
              ...bearer(w.bearer_token_file),
            })),
          }
        : {}),
      ...(x.email?.length ? { email_configs: x.email.map((e) => ({ to: e.to, send_resolved: true })) } : {}),
      ...(x.wechat?.length
        ? {
            wechat_configs: x.wechat.map((w) => ({
              agent_id: w.agent_id,
              ...(w.to_party ? { to_party: w.to_party } : {}),
              ...(w.to_user ? { to_user: w.to_user } : {}),
              send_resolved: true,
              message: WECHAT_MESSAGE,
            })),
          }
        : {}),
    })),
  ];
  const config = {
    global,
    route: {
      receiver: r.default_receiver,
      group_by: r.group_by ?? ['alertname', 'province', 'center'],
      group_wait: r.group_wait ?? '30s',
      group_interval: r.group_interval ?? '5m',
      repeat_interval: warn,
      routes: [...routes, { receiver: r.default_receiver, matchers: [], routes: severityRoutes(r.default_receiver) }],
    },
    inhibit_rules: [
      // A critical alert mutes the warning of the same alert for the same node (missing labels compare equal).
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ['alertname', 'level', 'province', 'center'],
      },
      // A center that stopped reporting has stale indicator values; its indicator alerts would only be noise.
      {
        source_matchers: ['alertname="DimsCenterRecordsStopped"'],
        target_matchers: ['kind="indicator"'],
        equal: ['center'],
      },
    ],
    receivers,
  };
  return `# Generated by \`dims rules build\` from the routing file; do not edit.\n${stringify(config, { lineWidth: 0 })}`;
}

/** WeChat Work text: Chinese summary first (the national desk reads Chinese), then the English one and the links. */
const WECHAT_MESSAGE =
  '{{ range .Alerts }}[{{ .Status }}] {{ .Labels.severity }} {{ .Annotations.summary }}\n{{ .Annotations.summary_en ' +
  '}}\n{{ .Annotations.runbook_url }}\n{{ end }}';
