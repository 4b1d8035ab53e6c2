/**
 * @module The hub benchmark's history: what a hub running for two years would hold before the live hours, written
 * straight into storage (a year of 10,000 centers cannot be pushed in the benchmark's time): hour, day and month
 * roll-ups built from the fleet's records by the same merge code the hub uses, marked built in the state DB,
 * one filing per center for the month, and optionally raw one-minute records.
 */
import type { Catalog } from '../../catalog/types.ts';
import type { RollupKind, Storage, StoredRecord, StoredRollup } from '../../storage/types.ts';
import type { StateDb } from '../../hub/state-db.ts';
import { rollUp } from '../../records/merge.ts';
import { periodWindow } from '../../model/periods.ts';
import { recordFor, type BenchFleet } from './fleet.ts';

const MIN = 60_000;
const BATCH = 5_000;

export interface HistoryPlan {
  tz: string;
  /** Roll-ups to write, by kind: period names. */
  rollups: Record<RollupKind, string[]>;
  /** A month whose filings (one per center) to write. */
  filingMonth: string;
  /** One-minute raw records to write for [fromMs, toMs), if any. */
  raw?: { fromMs: number; toMs: number };
}

export interface HistoryCounts {
  rollups: Record<RollupKind, number>;
  raw: number;
  filings: number;
}

export async function writeHistory(
  catalog: Catalog,
  fleet: BenchFleet,
  storage: Storage,
  state: StateDb,
  plan: HistoryPlan,
  log: (s: string) => void,
): Promise<HistoryCounts> {
  const counts: HistoryCounts = { rollups: { hour: 0, day: 0, month: 0 }, raw: 0, filings: 0 };
  const centers = fleet.registry.centers;
  for (const kind of ['month', 'day', 'hour'] as const) {
    const periods = plan.rollups[kind];
    if (periods.length === 0) continue;
    const gens = state.beginRollups(kind, periods);
    let batch: StoredRollup[] = [];
    for (const p of periods) {
      const w = periodWindow(kind, p, plan.tz);
      for (const c of centers) {
        const record = recordFor(catalog, fleet.templates.get(c.id)!, w.fromMs, w.toMs, w.fromMs / MIN);
        for (const r of rollUp(catalog, w, [record])) batch.push({ ...r, kind, province: c.province });
        if (batch.length >= BATCH) {
          await storage.writeRollups(batch);
          counts.rollups[kind] += batch.length;
          batch = [];
        }
      }
    }
    await storage.writeRollups(batch);
    counts.rollups[kind] += batch.length;
    for (const p of periods) state.finishRollup(kind, p, gens.get(p)!);
    log(`hub bench: history ${kind} roll-ups ${counts.rollups[kind].toLocaleString('en-US')}`);
  }
  const month = periodWindow('month', plan.filingMonth, plan.tz);
  const filings: StoredRecord[] = centers.map((c) => ({
    center: c.id,
    province: c.province,
    startMs: month.fromMs,
    endMs: month.toMs,
    source: 'declaration',
    metrics: fleet.filings.get(c.id)!,
  }));
  for (let i = 0; i < filings.length; i += BATCH) await storage.writeRecords(filings.slice(i, i + BATCH));
  counts.filings = filings.length;
  if (plan.raw) {
    let batch: StoredRecord[] = [];
    for (let t = plan.raw.fromMs; t < plan.raw.toMs; t += MIN) {
      for (const c of centers) {
        const r = recordFor(catalog, fleet.templates.get(c.id)!, t, t + MIN, t / MIN + c.id.length);
        batch.push({ ...r, province: c.province });
      }
      if (batch.length >= BATCH) {
        await storage.writeRecords(batch);
        counts.raw += batch.length;
        batch = [];
      }
    }
    await storage.writeRecords(batch);
    counts.raw += batch.length;
    log(`hub bench: history raw records ${counts.raw.toLocaleString('en-US')}`);
  }
  return counts;
}
