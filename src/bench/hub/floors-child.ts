/**
 * @module The hub benchmark's baselines, measured on the hub's own data once the hub has stopped: the engine
 * evaluating each measured window from its inputs already in memory (raw one-minute records for the rolling
 * window and the hour; the roll-ups the close reads for a day and longer; year-earlier comparisons as the hub
 * reads them), the storage queries behind the overview and the ranking alone, and what storage holds.
 *
 * Usage: node floors-child.ts SPEC.json   (prints JSON)
 */
import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { parse } from 'yaml';
import { defaultCatalog } from '../../catalog/load.ts';
import { loadRegistry } from '../../registry/load.ts';
import { openStorage, type StorageConfig } from '../../storage/open.ts';
import { StateDb } from '../../hub/state-db.ts';
import { RollupKeeper } from '../../hub/rollups.ts';
import { evaluate, evaluationWindows, type RecordSource } from '../../engine/evaluate.ts';
import type { ParsedRecord } from '../../model/records.ts';
import type { Window } from '../../model/values.ts';
import type { RollupKind } from '../../storage/types.ts';
import { median } from '../table.ts';

export interface FloorsSpec {
  hubConfig: string;
  tz: string;
  /**
   * The measured windows, each with the inputs its close reads: raw records (the rolling window, an hour), or
   * the roll-ups one level down (a day's hours, a month's days, a quarter's or a year's months).
   */
  windows: Array<{ name: string; window: Window; inputs: 'raw' | RollupKind }>;
  runs: number;
  api: { period: string; concurrency: number; requests: number; province: string };
  influx?: { url: string; database: string };
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as FloorsSpec;
const cfg = parse(readFileSync(spec.hubConfig, 'utf8')) as {
  registry: string;
  state_db: string;
  storage: StorageConfig;
};
const catalog = defaultCatalog();
const registry = loadRegistry(cfg.registry, catalog);
const storage = await openStorage(cfg.storage);
const state = new StateDb(cfg.state_db);
const keeper = new RollupKeeper({
  catalog,
  registry,
  storage,
  state,
  tz: spec.tz,
  maxIntervalMs: 15 * 60_000,
  now: Date.now,
});
const declarations = await storage.queryRecords({
  fromMs: Date.UTC(2000, 0, 1),
  toMs: Date.UTC(2200, 0, 1),
  source: 'declaration',
});

const floors: Record<string, { ms: number; records: number }> = {};
for (const { name, window, inputs } of spec.windows) {
  // The inputs, read once and held: the main window's, then each comparison window's.
  const held = new Map<string, ParsedRecord[]>();
  let count = 0;
  for (const w of evaluationWindows(catalog, window, spec.tz)) {
    const telemetry =
      w !== window
        ? await keeper.telemetry(w.fromMs, w.toMs)
        : inputs === 'raw'
          ? (await storage.queryRecords({ fromMs: w.fromMs - 15 * 60_000, toMs: w.toMs, source: 'telemetry' })).filter(
              (r) => r.endMs > w.fromMs,
            )
          : await storage.queryRollups({ kind: inputs, fromMs: w.fromMs, toMs: w.toMs });
    const decl = declarations.filter((d) => d.endMs > w.fromMs && d.startMs < w.toMs);
    held.set(`${w.fromMs}/${w.toMs}`, telemetry.concat(decl));
    count += telemetry.length;
  }
  const source: RecordSource = {
    records: async (fromMs, toMs) => held.get(`${fromMs}/${toMs}`) ?? [],
    declarationsBefore: async (beforeMs) => declarations.filter((d) => d.startMs < beforeMs),
  };
  const times: number[] = [];
  for (let i = 0; i < spec.runs; i++) {
    const t0 = performance.now();
    await evaluate({ catalog, registry, window, source, tz: spec.tz });
    times.push(performance.now() - t0);
  }
  floors[name] = { ms: median(times), records: count };
}

// The storage queries the overview and the province ranking make, alone, at the same concurrency.
async function timed(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const lat: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: spec.api.concurrency }, async () => {
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
const period = spec.api.period;
const overview = () =>
  Promise.all([
    storage.queryValues({ period_kind: 'month', period, level: 'nation' }),
    storage.queryValues({ period_kind: 'month', period, level: 'province' }),
  ]);
const ranking = () =>
  storage.queryValues({
    period_kind: 'month',
    period,
    level: 'center',
    indicators: ['pue'],
    provinces: [spec.api.province],
  });
// InfluxDB answers these queries in a second or more each under a 10,000-center store (one point per value), so
// its baseline takes at most 40 of each: their p99 is then their slowest.
const requests = spec.influx ? Math.min(40, spec.api.requests) : spec.api.requests;
await timed(spec.influx ? 8 : 20, overview);
const storageApi = {
  overview: await timed(requests, overview),
  ranking: await timed(requests, ranking),
};

const tiers = await storage.sizeByTier();
const counts = await itemCounts();
await storage.close();
state.close();
process.stdout.write(JSON.stringify({ floors, storageApi, tiers, counts }));

/** How many items each tier holds: rows of the embedded store's tables, points of InfluxDB's measurements. */
async function itemCounts(): Promise<Record<string, number>> {
  if (cfg.storage.kind === 'sqlite') {
    const db = new DatabaseSync((cfg.storage as { path: string }).path, { readOnly: true });
    const out: Record<string, number> = {};
    const names = (
      db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as Array<{ name: string }>
    ).map((r) => r.name);
    for (const t of names) out[t] = Number((db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n);
    // Bytes of each table with its indexes, for per-item sizes.
    const owner = new Map(
      (db.prepare('SELECT name, tbl_name FROM sqlite_schema').all() as Array<{ name: string; tbl_name: string }>).map(
        (r) => [r.name, r.tbl_name],
      ),
    );
    for (const r of db.prepare('SELECT name, SUM(pgsize) AS b FROM dbstat GROUP BY name').all() as Array<{
      name: string;
      b: number;
    }>) {
      const t = owner.get(r.name) ?? r.name;
      out[`${t}.bytes`] = (out[`${t}.bytes`] ?? 0) + Number(r.b);
    }
    db.close();
    return out;
  }
  const { url, database } = spec.influx!;
  const q = async (text: string) => {
    const res = await fetch(`${url}/query?db=${encodeURIComponent(database)}`, {
      method: 'POST',
      body: new URLSearchParams({ q: text }),
    });
    const j = (await res.json()) as { results: Array<{ series?: Array<{ values: unknown[][] }> }> };
    return Number(j.results[0]?.series?.[0]?.values[0]?.[1] ?? 0);
  };
  return {
    raw: await q('SELECT count("end_ms") FROM "raw"."center_record"'),
    realtime: await q('SELECT count("centers") FROM "realtime"."indicator_value"'),
    recent:
      (await q('SELECT count("end_ms") FROM "recent"."center_rollup"')) +
      (await q('SELECT count("centers") FROM "recent"."indicator_value"')),
    long_term:
      (await q('SELECT count("end_ms") FROM "long_term"."center_rollup"')) +
      (await q('SELECT count("centers") FROM "long_term"."indicator_value"')) +
      (await q('SELECT count("end_ms") FROM "long_term"."center_record"')),
  };
}
