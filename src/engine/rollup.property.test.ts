/**
 * @module Property tests over random fleets: rolling up center → province → nation equals computing on
 * the pooled raw data, and merged-histogram percentiles match pooled samples within one bucket.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultCatalog } from '../catalog/load.ts';
import { indexRegistry } from '../registry/load.ts';
import { evaluate, memorySource } from './evaluate.ts';
import { compileQuantity } from './quantity.ts';
import { compileFilter, centerAttributes } from './filter.ts';
import type { Center } from '../model/centers.ts';
import type { ParsedRecord } from '../model/records.ts';

const catalog = defaultCatalog();
const T0 = Date.parse('2026-10-01T00:00:00+08:00');
const H = 3_600_000;
const DELTAS = catalog.metrics.filter((m) => m.source === 'telemetry' && m.kind === 'delta').map((m) => m.id);
const SNAPS = catalog.metrics.filter((m) => m.source === 'telemetry' && m.kind === 'snapshot').map((m) => m.id);
const GAUGES = catalog.metrics.filter((m) => m.source === 'telemetry' && m.kind === 'gauge');
const PROVINCES = ['11', '44', '52', '64'];
const CLUSTERS: Record<string, string | null> = { '11': null, '44': 'shaoguan', '52': 'guian', '64': 'zhongwei' };

const centerArb = fc.record({
  province: fc.constantFrom(...PROVINCES),
  hub: fc.boolean(),
  year: fc.integer({ min: 2012, max: 2025 }),
  size: fc.constantFrom('small', 'medium', 'large', 'hyperscale' as const),
  racks: fc.integer({ min: 10, max: 5000 }),
  kw: fc.double({ min: 50, max: 50000, noNaN: true }),
  connected: fc.boolean(),
  lengths: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 4, maxLength: 4 }),
  hours: fc.array(
    fc.record(
      Object.fromEntries(
        [...DELTAS, ...SNAPS, ...GAUGES.map((g) => g.id)].map((id) => [
          id,
          fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { freq: 5 }),
        ]),
      ) as Record<string, fc.Arbitrary<number | null>>,
    ),
    { minLength: 0, maxLength: 4 },
  ),
});

function naive(records: ParsedRecord[], fromMs: number, toMs: number): Map<string, Record<string, number>> {
  // Independent re-implementation: group per center, then fold in time order.
  const out = new Map<string, Record<string, number>>();
  const byCenter = new Map<string, ParsedRecord[]>();
  for (const r of records)
    if (r.endMs > fromMs && r.startMs < toMs) byCenter.set(r.center, [...(byCenter.get(r.center) ?? []), r]);
  for (const [c, list] of byCenter) {
    list.sort((a, b) => a.endMs - b.endMs);
    const v: Record<string, number> = {};
    const weight: Record<string, number> = {};
    for (const r of list) {
      for (const [k, x] of Object.entries(r.metrics)) {
        const m = catalog.metricById.get(k)!;
        if (m.kind === 'delta') v[k] = (v[k] ?? 0) + x;
        else if (m.kind === 'snapshot') v[k] = x;
        else if (m.stat === 'max') v[k] = Math.max(v[k] ?? -Infinity, x);
        else {
          const w = r.endMs - r.startMs;
          v[k] = ((v[k] ?? 0) * (weight[k] ?? 0) + x * w) / ((weight[k] ?? 0) + w);
          weight[k] = (weight[k] ?? 0) + w;
        }
      }
    }
    out.set(c, v);
  }
  return out;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

test('sums and ratios of sums: nation equals the pooled computation and the sum of provinces', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(centerArb, { minLength: 1, maxLength: 12 }), async (specs) => {
      const centers: Center[] = specs.map((s, i) => ({
        id: `c${i}`,
        name: `c${i}`,
        province: s.province,
        type: 'general',
        hub_cluster: s.hub ? CLUSTERS[s.province]! : null,
        commission_date: `${s.year}-06-01`,
        size_class: s.size,
        racks_design: s.racks * 2,
        racks_installed: s.racks,
        it_rated_kw: s.kw,
        grid_capacity_kw: s.kw * 2,
        platform_connected: s.connected,
      }));
      const records: ParsedRecord[] = [];
      // Contiguous records of 1–3 hours each, so time weighting matters.
      specs.forEach((s, i) => {
        let at = T0;
        s.hours.forEach((h, j) => {
          const metrics: Record<string, number> = {};
          for (const [k, v] of Object.entries(h)) if (v !== null) metrics[k] = v;
          const len = s.lengths[j]! * H;
          records.push({ center: `c${i}`, startMs: at, endMs: at + len, source: 'telemetry', metrics });
          at += len;
        });
      });
      const window = { fromMs: T0, toMs: T0 + 12 * H };
      const values = await evaluate({
        catalog,
        registry: indexRegistry(centers),
        window,
        source: memorySource(records),
      });
      const pooled = naive(records, window.fromMs, window.toMs);
      for (const ind of catalog.indicators) {
        const c = ind.computation;
        if (c.method !== 'sum' && c.method !== 'ratio_of_sums' && c.method !== 'filtered_ratio_of_sums') continue;
        const nation = values.find((v) => v.level === 'nation' && v.indicator === ind.id)!;
        // Pooled: per-center quantities from the naive fold, then one global sum.
        const filter = compileFilter('filter' in c ? c.filter : undefined);
        const numFilter = compileFilter(c.method === 'ratio_of_sums' ? c.numerator_filter : undefined);
        const numQ = compileQuantity(c.method === 'sum' ? c.quantity : c.numerator);
        const denQ = c.method === 'sum' ? undefined : compileQuantity(c.denominator);
        let num = 0,
          den = 0,
          n = 0;
        for (const center of centers) {
          const attrs = centerAttributes(center, window, catalog, '2022-01-01');
          if (!filter(attrs)) continue;
          const v = pooled.get(center.id) ?? {};
          const inputs = {
            metric: (id: string) =>
              id in v
                ? v[id]
                : typeof (center as unknown as Record<string, unknown>)[id] === 'number'
                  ? (center as unknown as Record<string, number>)[id]
                  : typeof (center as unknown as Record<string, unknown>)[id] === 'boolean'
                    ? (center as unknown as Record<string, boolean>)[id]
                      ? 1
                      : 0
                    : undefined,
            param: (id: string) =>
              id === 'period_hours'
                ? 12
                : id === 'period_minutes'
                  ? 720
                  : id === 'ef_grid'
                    ? (catalog.provinceByCode.get(center.province)!.grid_ef ?? 0.5856)
                    : (catalog.parameters.find((p) => p.id === id)?.value as number),
          };
          const x = numFilter(attrs) ? numQ(inputs) : 0;
          const y = denQ ? denQ(inputs) : 0;
          if (x === undefined || y === undefined) continue;
          num += x;
          den += y;
          n++;
        }
        assert.equal(nation.centers, n, `${ind.id}: contributing centers`);
        if (n === 0) {
          assert.equal(nation.value, null, ind.id);
          continue;
        }
        assert.ok(close(nation.numerator!, num), `${ind.id}: nation numerator ${nation.numerator} vs pooled ${num}`);
        if (denQ)
          assert.ok(
            close(nation.denominator!, den),
            `${ind.id}: nation denominator ${nation.denominator} vs pooled ${den}`,
          );
        // Sum of provinces equals the nation.
        const provs = values.filter((v) => v.level === 'province' && v.indicator === ind.id && v.numerator !== null);
        assert.ok(
          close(
            provs.reduce((a, v) => a + v.numerator!, 0),
            nation.numerator!,
          ),
          `${ind.id}: Σ provinces`,
        );
      }
    }),
    { numRuns: 40, seed: 20261125 },
  );
});

test('merged-histogram p95 matches the pooled samples within one bucket', async () => {
  const bounds = catalog.metricById.get('lat_city_hist')!.bounds!;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(fc.double({ min: 0.01, max: 120, noNaN: true }), { minLength: 1, maxLength: 60 }), {
        minLength: 1,
        maxLength: 8,
      }),
      async (perCenter) => {
        const centers: Center[] = perCenter.map((_, i) => ({
          id: `c${i}`,
          name: `c${i}`,
          province: PROVINCES[i % 4]!,
          type: 'general',
          hub_cluster: null,
          commission_date: '2020-01-01',
          size_class: 'large',
          racks_design: 1,
          racks_installed: 1,
          it_rated_kw: 1,
          grid_capacity_kw: 1,
        }));
        const records: ParsedRecord[] = perCenter.map((samples, i) => {
          const counts = new Array(bounds.length + 1).fill(0);
          for (const s of samples) {
            const b = bounds.findIndex((x) => s <= x);
            counts[b === -1 ? bounds.length : b]++;
          }
          return {
            center: `c${i}`,
            startMs: T0,
            endMs: T0 + H,
            source: 'telemetry',
            metrics: {},
            histograms: { lat_city_hist: { bounds, counts } },
          };
        });
        const values = await evaluate({
          catalog,
          registry: indexRegistry(centers),
          window: { fromMs: T0, toMs: T0 + H },
          source: memorySource(records),
        });
        const got = values.find((v) => v.level === 'nation' && v.indicator === 'lat_city_p95')!.value!;
        const all = perCenter.flat().sort((a, b) => a - b);
        const exact = all[Math.max(0, Math.ceil(0.95 * all.length) - 1)]!;
        const bucket = bounds.findIndex((x) => exact <= x);
        const lower = bucket <= 0 ? 0 : bounds[bucket - 1]!;
        const upper = bucket === -1 ? bounds[bounds.length - 1]! : bounds[bucket]!;
        const slack = bucket === -1 ? Infinity : upper - lower;
        assert.ok(
          (got >= Math.min(lower, bounds[bounds.length - 1]!) - 1e-9 && got <= upper + 1e-9) ||
            Math.abs(got - exact) <= slack,
          `p95 ${got} vs exact ${exact} (bucket ${lower}..${upper})`,
        );
      },
    ),
    { numRuns: 100, seed: 7 },
  );
});
