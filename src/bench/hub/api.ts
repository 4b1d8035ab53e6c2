/**
 * @module Benchmark `api`: p50/p99 latency of the national overview and a province ranking under a fixed
 * concurrent load from a second process, vs. the latency of the underlying storage queries alone under the
 * same concurrency in this process. Goal: p99 < 2× storage time.
 */
import path from 'node:path';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { BenchFigure, BenchResult } from '../table.ts';
import { defaultCatalog } from '../../catalog/load.ts';
import type { Storage, StoredValue } from '../../storage/types.ts';
import { parseConfig } from '../../hub/config.ts';
import { startHub } from '../../hub/server.ts';
import { createToken } from '../../hub/auth/tokens.ts';
import { center } from '../../hub/test-support.ts';
import { startInfluxd } from '../../../tests/support/influxd.ts';

export interface ApiBenchOptions {
  log?: (s: string) => void;
  centersPerProvince?: number;
  concurrency?: number;
  requests?: number;
}

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function timed(conc: number, n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const lat: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (next < n) {
        next++;
        const t = performance.now();
        await fn();
        lat.push(performance.now() - t);
      }
    }),
  );
  return lat;
}

export async function benchApi(o: ApiBenchOptions = {}): Promise<BenchResult> {
  const log = o.log ?? (() => {});
  const perProvince = o.centersPerProvince ?? 10;
  const conc = o.concurrency ?? 8;
  const n = o.requests ?? 400;
  const catalog = defaultCatalog();
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-bench-api-'));
  const influx = await startInfluxd({ database: 'dims_api' });
  const centers = catalog.provinces.flatMap((p) =>
    Array.from({ length: perProvince }, (_, i) => center(`c${p.code}-${i}`, p.code)),
  );
  const registry = path.join(dir, 'registry.yaml');
  writeFileSync(registry, stringify({ centers }));
  const hub = await startHub(
    parseConfig(
      {
        registry,
        listen: { port: 0 },
        state_db: path.join(dir, 'state.db'),
        engine: { enabled: false },
        limits: { requests_per_minute: 1_000_000 },
        storage: { kind: 'influxdb', url: influx.url, database: 'dims_api' },
      },
      'bench-hub.yaml',
      dir,
    ),
    { log: () => {}, scheduler: false },
  );
  try {
    // A month of values for every indicator at every node, written straight to storage.
    const period = '2026-10';
    const fromMs = Date.parse('2026-09-30T16:00:00Z');
    const toMs = Date.parse('2026-10-31T16:00:00Z');
    const values: StoredValue[] = [];
    const nodes = [
      { level: 'nation' as const, code: 'CN', province: '' },
      ...catalog.provinces.map((p) => ({ level: 'province' as const, code: p.code, province: p.code })),
      ...centers.map((c) => ({ level: 'center' as const, code: c.id, province: c.province })),
    ];
    let k = 0;
    for (const node of nodes) {
      for (const ind of catalog.indicators) {
        const v = 1 + ((k++ * 7919) % 1000) / 1000;
        values.push({
          ...node,
          indicator: ind.id,
          value: v,
          unit: ind.unit,
          numerator: v,
          denominator: 1,
          centers: 1,
          coverage: { centers: 1, it_energy: 1 },
          reason: null,
          period_kind: 'month',
          period,
          fromMs,
          toMs,
          dimension: ind.dimension,
          computedAtMs: toMs,
        });
      }
    }
    await hub.ctx.storage.writeValues(values);
    const storage: Storage = hub.ctx.storage;
    const token = createToken(hub.ctx.state, 'nation').token;
    const overview = `/api/v1/overview?kind=month&period=${period}`;
    const ranking = `/api/v1/rankings?indicator=pue&level=center&province=52&kind=month&period=${period}`;

    // Storage alone: the queries each endpoint makes, same concurrency, same count.
    const qOverview = () =>
      Promise.all([
        storage.queryValues({ period_kind: 'month', period, level: 'nation' }),
        storage.queryValues({ period_kind: 'month', period, level: 'province' }),
      ]);
    const qRanking = () =>
      storage.queryValues({ period_kind: 'month', period, level: 'center', indicators: ['pue'], provinces: ['52'] });
    await timed(conc, 50, qOverview);
    await timed(conc, 50, qRanking);
    const sOverview = await timed(conc, n, qOverview);
    const sRanking = await timed(conc, n, qRanking);

    const loader = fileURLToPath(new URL('./api-load.ts', import.meta.url));
    const spec = (requests: number) =>
      JSON.stringify({ url: hub.url, token, paths: [overview, ranking], concurrency: conc, requests });
    // The hub answers in this process; the load runs in a child so the two do not share an event loop.
    const runLoad = (requests: number) =>
      new Promise<Record<string, number[]>>((resolve, reject) => {
        execFile(
          process.execPath,
          [loader, spec(requests)],
          { maxBuffer: 64 * 1024 * 1024, timeout: 600_000 },
          (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout) as Record<string, number[]>)),
        );
      });
    await runLoad(50);
    const hubLat = await runLoad(n);
    const figures: BenchFigure[] = [];
    for (const [name, p, s] of [
      ['national overview', overview, sOverview],
      ['province ranking (centers of 52)', ranking, sRanking],
    ] as const) {
      const h = hubLat[p]!;
      figures.push({
        metric: `${name} p50`,
        value: pct(h, 0.5),
        unit: 'ms',
        baseline: pct(s, 0.5),
        baselineLabel: 'storage queries alone p50',
        ratio: pct(h, 0.5) / pct(s, 0.5),
      });
      const r99 = pct(h, 0.99) / pct(s, 0.99);
      figures.push({
        metric: `${name} p99`,
        value: pct(h, 0.99),
        unit: 'ms',
        baseline: pct(s, 0.99),
        baselineLabel: 'storage queries alone p99',
        ratio: r99,
        goal: 'p99 < 2× storage',
        met: r99 < 2,
      });
      log(
        `api ${name}: hub p50 ${pct(h, 0.5).toFixed(1)} ms p99 ${pct(h, 0.99).toFixed(1)} ms; storage p50 ${pct(s, 0.5).toFixed(1)} ` +
          `p99 ${pct(s, 0.99).toFixed(1)}`,
      );
    }
    return {
      name: 'api',
      description:
        `${nodes.length} nodes × ${catalog.indicators.length} indicators (one month) in InfluxDB; ${conc} concurrent ` +
        `requests × ${n} per endpoint from a child process`,
      figures,
    };
  } finally {
    await hub.close();
    await influx.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
