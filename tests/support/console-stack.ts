/**
 * @module The hub (which serves the web console and report downloads) on 127.0.0.1, loaded with a synthetic national
 * fleet whose October is computed: what the console's browser tests click through.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { defaultCatalog } from '../../src/catalog/load.ts';
import type { Catalog } from '../../src/catalog/types.ts';
import { syntheticFleet } from '../../src/engine/synthetic.ts';
import type { RegistryIndex } from '../../src/registry/load.ts';
import { openStorage } from '../../src/storage/open.ts';
import { createApp } from '../../src/hub/app.ts';
import { parseConfig } from '../../src/hub/config.ts';
import { createContext, type HubContext } from '../../src/hub/context.ts';
import { StateDb } from '../../src/hub/state-db.ts';
import { createToken } from '../../src/hub/auth/tokens.ts';
import { deliverBatch } from '../../src/report/delivery/deliver.ts';
import { closePdfEngine } from '../../src/report/pdf.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface ConsoleStack {
  url: string;
  ctx: HubContext;
  catalog: Catalog;
  registry: RegistryIndex;
  /** The computed month. */
  period: string;
  /** Tokens by scope: nation, admin, alertmanager, province:<code> for `province`, center:<id> and agent:<id> for `center`. */
  tokens: Record<string, string>;
  /** A province with centers, for the provincial token. */
  province: string;
  /** A center of `province`, for the center's own token. */
  center: string;
  close(): Promise<void>;
}

export interface ConsoleStackOptions {
  centers?: number;
  days?: number;
  seed?: number;
}

const MONTH = '2026-10';
/** Early November in the hub's zone: October is closed, every agent is now late. */
const NOW = Date.parse('2026-11-03T10:00:00+08:00');

/** Sample alerts as Alertmanager delivers them (webhook v4), for the alert history page. */
function alertPayload(
  status: 'firing' | 'resolved',
  province: string,
  center: string,
  name: string,
  fingerprint: string,
  severity: string,
  summary: string,
) {
  return {
    receiver: 'oncall-webhook',
    status,
    version: '4',
    groupKey: `{}:{alertname="${name}"}`,
    truncatedAlerts: 0,
    groupLabels: { alertname: name },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    alerts: [
      {
        status,
        labels: { alertname: name, province, severity, center },
        annotations: { summary },
        startsAt: '2026-10-20T02:00:00Z',
        endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-10-20T05:00:00Z',
        generatorURL: 'http://127.0.0.1:9090/graph',
        fingerprint,
      },
    ],
  };
}

export async function startConsoleStack(o: ConsoleStackOptions = {}): Promise<ConsoleStack> {
  const catalog = defaultCatalog();
  const fleet = syntheticFleet(catalog, { centers: o.centers ?? 40, days: o.days ?? 30, seed: o.seed ?? 2026 });
  const registry = fleet.registry;
  const storage = await openStorage({ kind: 'sqlite', path: ':memory:' });
  await storage.writeRecords(fleet.records.map((r) => ({ ...r, province: registry.byId.get(r.center)!.province })));
  const reportsDir = mkdtempSync(path.join(tmpdir(), 'dims-console-reports-'));
  const config = parseConfig(
    { registry: 'unused.yaml', storage: { kind: 'sqlite', path: ':memory:' }, reports: { dir: reportsDir } },
    'console-test-hub.yaml',
    process.cwd(),
  );
  const state = new StateDb(':memory:');
  const ctx = createContext({ config, catalog, registry, storage, state, now: () => NOW, log: () => {} });

  // Every day of October, then the month: the console's charts read days, its tables the month.
  for (let d = 1; d <= 31; d++) await ctx.engine.runPeriod('day', `${MONTH}-${String(d).padStart(2, '0')}`);
  await ctx.engine.runPeriod('month', MONTH);
  state.setCheckpoint('month', MONTH, NOW);

  const province = registry.centers[0]!.province;
  // A delivery to a group-chat robot nobody answers (a closed loopback port): the delivery log's failed entry.
  await deliverBatch(
    {
      kind: 'month',
      period: MONTH,
      entries: [
        {
          scope: province,
          lang: 'zh',
          format: 'xlsx',
          file: `month/${MONTH}/${province}-${MONTH}.zh.xlsx`,
          status: 'ok',
          generated_at: new Date(NOW).toISOString(),
        },
      ],
    },
    reportsDir,
    {
      retries: 0,
      routes: [
        { scopes: [province], webhooks: [{ kind: 'dingtalk', url: `http://127.0.0.1:${await closedPort()}/robot` }] },
      ],
    },
    ['zh'],
    { scopeName: (s) => s, now: () => NOW },
  );
  const tokens: Record<string, string> = {};
  const center = registry.centers[0]!.id;
  for (const scope of [
    'nation',
    'admin',
    'alertmanager',
    `province:${province}`,
    `center:${center}`,
    `agent:${center}`,
  ])
    tokens[scope] = createToken(state, scope).token;

  // The hub's own app, as production serves it: the console and the report download are mounted in createApp.
  const app = createApp(ctx);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const other = registry.centers.find((c) => c.province !== province)!;
  const own = registry.centers.find((c) => c.province === province)!;
  for (const p of [
    alertPayload(
      'firing',
      province,
      own.id,
      'DimsPueHigh',
      'a1b2c3d4e5f60001',
      'critical',
      `PUE above 1.5 at ${own.name}`,
    ),
    alertPayload(
      'resolved',
      other.province,
      other.id,
      'DimsCollectorDown',
      'a1b2c3d4e5f60002',
      'warning',
      `collector of ${other.name} not reporting`,
    ),
  ]) {
    const r = await fetch(`${url}/api/v1/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.alertmanager}`, 'content-type': 'application/json' },
      body: JSON.stringify(p),
    });
    if (!r.ok) throw new Error(`posting a sample alert failed: ${r.status} ${await r.text()}`);
  }

  return {
    url,
    ctx,
    catalog,
    registry,
    period: MONTH,
    tokens,
    province,
    center,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await ctx.engine.idle();
      await storage.close();
      state.close();
      rmSync(reportsDir, { recursive: true, force: true });
      await closePdfEngine();
    },
  };
}
