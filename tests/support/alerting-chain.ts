/**
 * @module The alerting chain for end-to-end tests: a webhook receiver, the generated rules and Alertmanager
 * config for one province's on-call and pager, a real Alertmanager and a real Prometheus scraping a hub.
 *
 * `for:` is shortened to 2 s and rules are evaluated every second, so a test takes seconds, not minutes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultCatalog } from '../../src/catalog/load.ts';
import { parseRouting } from '../../alerting/alertmanager.ts';
import { writeRulesTree } from '../../alerting/build.ts';
import { startAlertmanager, startPrometheus, type PrometheusHandle, type ServerHandle } from './prometheus.ts';

/** One webhook delivery: the receiver path (/national, /deadman, /<prefix>-oncall, /<prefix>-pager) and body. */
export interface Notification {
  path: string;
  body: {
    status: string;
    alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string> }>;
  };
}

export interface AlertingChain {
  received: Notification[];
  prometheus: PrometheusHandle;
  alertmanager: ServerHandle;
  /** Waits until `fn` returns a value, polling; the error lists every notification received so far. */
  waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T>;
  dispose(): Promise<void>;
}

/**
 * Starts the chain for a hub at `hubUrl` whose alertmanager-scope token is `hubToken`. Alerts of `province`
 * go to `/<prefix>-oncall`, critical ones to `/<prefix>-pager`; others to `/national`, the watchdog to `/deadman`.
 */
export async function startAlertingChain(o: {
  hubUrl: string;
  hubToken: string;
  province: string;
  prefix: string;
}): Promise<AlertingChain> {
  const received: Notification[] = [];
  const receiver: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body) as Notification['body'] });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-alerting-'));
  const tokenFile = path.join(dir, 'hub.token');
  writeFileSync(tokenFile, o.hubToken);
  const routing = parseRouting({
    default_receiver: 'national-desk',
    watchdog_receiver: 'deadman',
    group_wait: '1s',
    group_interval: '2s',
    repeat_interval: { critical: '1h', warning: '1h' },
    hub_history: { url: `${o.hubUrl}/api/v1/alerts`, bearer_token_file: tokenFile },
    receivers: [
      { name: 'national-desk', webhook: [{ url: `${hook}/national` }] },
      { name: 'deadman', webhook: [{ url: `${hook}/deadman` }] },
      { name: `${o.prefix}-oncall`, webhook: [{ url: `${hook}/${o.prefix}-oncall` }] },
      { name: `${o.prefix}-pager`, webhook: [{ url: `${hook}/${o.prefix}-pager` }] },
    ],
    provinces: [{ codes: [o.province], receiver: `${o.prefix}-oncall`, critical_receiver: `${o.prefix}-pager` }],
  });
  writeRulesTree(defaultCatalog(), dir, { routing, interval: '1s', forOverride: '2s' });
  const alertmanager = await startAlertmanager({
    config: readFileSync(path.join(dir, 'alertmanager/alertmanager.yml'), 'utf8'),
  });
  const prometheus = await startPrometheus({
    scrape: [{ job: 'dims-hub', target: o.hubUrl.replace('http://', '') }],
    ruleFiles: [path.join(dir, 'prometheus/dims-alerts.yml')],
    alertmanager: alertmanager.url,
  });
  await prometheus.waitForTargetsUp();
  return {
    received,
    prometheus,
    alertmanager,
    async waitFor(what, fn, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const v = await fn();
        if (v !== undefined) return v;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(
        `timed out waiting for ${what}; received: ` +
          JSON.stringify(
            received.map((n) => [
              n.path,
              n.body.status,
              n.body.alerts.map((a) => `${a.labels.alertname}/${a.labels.severity}/${a.labels.center}/${a.status}`),
            ]),
          ),
      );
    },
    async dispose() {
      await prometheus.dispose();
      await alertmanager.dispose();
      await new Promise<void>((r) => receiver.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
