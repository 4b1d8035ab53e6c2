/**
 * @module Every panel query and variable query of every generated dashboard, executed against a real InfluxDB
 * and a real Prometheus holding data from the real pipeline (simulator → agents → hub → InfluxDB; Prometheus
 * scraping the hub and the agents, with the generated rules loaded). Each must return data.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { defaultCatalog } from '../../src/catalog/load.ts';
import { buildDashboards } from '../../grafana/build.ts';
import { collectQueries } from '../../grafana/check.ts';
import { execInfluxQL, execQuery, type ExecContext } from '../../grafana/query-exec.ts';
import { loadRouting } from '../../alerting/alertmanager.ts';
import { writeRulesTree } from '../../alerting/build.ts';
import { startPipeline, type Pipeline } from '../support/pipeline.ts';
import { startPrometheus, type PrometheusHandle } from '../support/prometheus.ts';
import { periodName, periodWindow } from '../../src/model/periods.ts';

const catalog = defaultCatalog();

let pipeline: Pipeline;
let prom: PrometheusHandle;
let rulesDir: string;

before(
  async () => {
    // Seed 113: two older centers and a new hub center (Ningxia, Zhongwei cluster) commissioned in 2025 with rooftop
    // PV and platform-dispatched jobs; the year-ago hour gives the year-on-year shares their base. Every center has a
    // border router (traffic) and a latency prober (city, regional and hub round-trip times).
    pipeline = await startPipeline({ centers: 3, seed: 113, history: true });
    await pipeline.waitForRecords(3);
    // Periodic filings reach the hub the way bureaus file them: through the declarations API, for the month.
    const month = periodWindow('month', periodName('month', pipeline.clock.now()));
    const filings = pipeline.fleet.registry.centers.map((c, i) => ({
      center: c.id,
      start: new Date(month.fromMs).toISOString(),
      end: new Date(month.toMs).toISOString(),
      metrics: {
        security_incidents: i,
        outage_count: 1,
        outage_min_unplanned: 12,
        mlps_l3_valid: i !== 1,
        important_data_tb: 100,
        important_data_dr_tb: 90,
        storage_used_tb: 40,
      },
    }));
    const filed = await pipeline.hub.call('POST', '/api/v1/declarations', {
      scope: 'admin',
      json: { records: filings },
    });
    if (filed.status !== 200) throw new Error(`filings refused: ${filed.status} ${filed.text}`);
    // Energy indicators need two meter readings per center; run the engine until the national PUE exists.
    const deadline = Date.now() + 90_000;
    for (;;) {
      await pipeline.runEngine();
      const pue = await execInfluxQL(
        `SELECT last("value") FROM "realtime"."indicator_value" WHERE "level" = 'nation' AND "indicator" = 'pue' AND "reason" = '' AND $timeFilter`,
        {
          influxUrl: pipeline.influx.url,
          database: pipeline.database,
          prometheusUrl: '',
          fromMs: pipeline.startMs - 3_600_000,
          toMs: pipeline.clock.now() + 3_600_000,
          variables: {},
        },
      );
      if (pue.ok) break;
      if (Date.now() > deadline) throw new Error('the pipeline produced no national PUE within 90 s');
      await new Promise((r) => setTimeout(r, 1000));
    }
    // Centers' panels read hour values (the rolling window is stored for the nation and provinces): the hub
    // computes the hour so far, as an admin recompute of the open hour would.
    await pipeline.hub.ctx.engine.runPeriod('hour', periodName('hour', pipeline.clock.now()));
    rulesDir = mkdtempSync(path.join(tmpdir(), 'dims-dash-rules-'));
    writeRulesTree(catalog, rulesDir, {
      routing: loadRouting(new URL('../../alerting/routing.sample.yaml', import.meta.url).pathname),
    });
    prom = await startPrometheus({
      scrape: [
        { job: 'dims-hub', target: pipeline.hub.url.replace('http://', '') },
        ...pipeline.agentMetricsTargets.map((t) => ({ job: 'dims-agent', target: t })),
      ],
      ruleFiles: [path.join(rulesDir, 'prometheus/dims-alerts.yml')],
    });
    await prom.waitForTargetsUp();
    // rate() needs two samples and ALERTS one rule evaluation.
    await new Promise((r) => setTimeout(r, 4000));
  },
  { timeout: 180_000 },
);

after(async () => {
  await prom?.dispose();
  await pipeline?.close();
  if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
});

function context(): ExecContext {
  return {
    influxUrl: pipeline.influx.url,
    database: pipeline.database,
    prometheusUrl: prom.url,
    fromMs: pipeline.startMs - 3_600_000,
    toMs: pipeline.clock.now() + 3_600_000,
    variables: {},
  };
}

/** Failures of one dashboard with the given variable values (query variables must answer, panels must return data), by query. */
async function failuresWith(
  dash: Dashboard,
  ctx: ExecContext,
  choose: (name: string, values: string[]) => string,
): Promise<{ failures: Map<string, string>; ran: number; values: string[] }> {
  const failures = new Map<string, string>();
  let values: string[] = [];
  for (const v of dash.templating?.list ?? []) {
    if (v.type === 'custom') {
      const cur = v.current?.value;
      ctx.variables[v.name] = String(Array.isArray(cur) ? cur[0] : cur);
      continue;
    }
    const q = collectQueries(dash).find((x) => x.where === `$${v.name}`);
    if (!q) continue;
    const r = await execQuery(q, { ...ctx });
    if (!r.ok || r.values.length === 0)
      failures.set(`${dash.uid} variable $${v.name}`, `${r.error ?? 'no values'}\n    ${r.sent}`);
    if (values.length === 0 && q.language !== 'promql') values = r.values;
    // "All" (.*) for Prometheus variables; one of the answers for InfluxQL ones.
    ctx.variables[v.name] = q.language === 'promql' ? '.*' : choose(v.name, r.values);
  }
  let ran = 0;
  for (const q of collectQueries(dash)) {
    if (q.where.startsWith('$') || q.language === 'static') continue;
    const r = await execQuery(q, ctx);
    ran++;
    if (!r.ok) failures.set(`${q.dashboard} "${q.where}" ${q.refId}`, `${r.error}\n    ${r.sent}`);
  }
  return { failures, ran, values };
}

for (const dash of buildDashboards(catalog, 'zh')) {
  test(`every query of ${dash.uid} returns data`, async () => {
    // An operator picks a province or a center. A query must return data for at least one choice of the first
    // InfluxQL variable: a general-purpose center has no accelerators, and a province's share of new hub compute
    // needs a hub center there, so some panels are rightly empty for some choices (up to 8 choices are tried).
    const first = (dash.templating?.list ?? []).find((v) => v.type === 'query' && v.datasource?.type === 'influxdb');
    let failing: Map<string, string> | undefined;
    let ran = 0;
    for (let k = 0; k < 8; k++) {
      const res = await failuresWith(dash, context(), (name, values) =>
        first && name === first.name ? (values[k % Math.max(1, values.length)] ?? '') : (values[0] ?? ''),
      );
      ran = Math.max(ran, res.ran);
      failing = failing === undefined ? res.failures : new Map([...failing].filter(([key]) => res.failures.has(key)));
      if (!first || failing.size === 0 || k + 1 >= res.values.length) break;
    }
    assert.ok(ran > 0);
    const list = [...(failing ?? new Map<string, string>())].map(([key, why]) => `${key}: ${why}`);
    assert.deepEqual(list, [], `${list.length} of ${ran} queries returned no data for any choice:\n${list.join('\n')}`);
  });
}

test('the checker fails a query on a misspelled measurement (InfluxDB answers 200 with no series)', async () => {
  const ctx = context();
  const good = `SELECT last("value") FROM "realtime"."indicator_value" WHERE "indicator" = 'pue' AND $timeFilter`;
  assert.equal((await execInfluxQL(good, ctx)).ok, true);
  const res = await fetch(`${ctx.influxUrl}/query`, {
    method: 'POST',
    body: new URLSearchParams({
      db: ctx.database,
      q: good.replace('indicator_value', 'indicator_valeu').replace('$timeFilter', 'time > 0'),
    }),
  });
  assert.equal(res.status, 200, 'InfluxDB itself does not complain');
  const bad = await execInfluxQL(good.replace('indicator_value', 'indicator_valeu'), ctx);
  assert.equal(bad.ok, false);
  assert.match(bad.error ?? '', /no series/);
  const syntax = await execInfluxQL('SELECT FROM', ctx);
  assert.equal(syntax.ok, false);
  assert.match(syntax.error ?? '', /HTTP 400/);
});
