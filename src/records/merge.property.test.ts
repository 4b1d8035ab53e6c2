/**
 * @module Property test of roll-ups: for random fleets, windows and late arrivals, every indicator at every
 * level evaluated from the hour and day roll-ups that tile a window equals the same window evaluated from
 * the raw records (to 1e-9 relative), including year-earlier comparisons and roll-ups rebuilt after late
 * records arrived.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultCatalog } from '../catalog/load.ts';
import { indexRegistry } from '../registry/load.ts';
import { evaluate, memorySource, type RecordSource } from '../engine/evaluate.ts';
import { periodWindow, periodsTouching, type PeriodKindName } from '../model/periods.ts';
import { tile } from '../engine/tiling.ts';
import type { Center } from '../model/centers.ts';
import type { ParsedRecord } from '../model/records.ts';
import type { IndicatorValue, Window } from '../model/values.ts';
import { rollUp } from './merge.ts';
import type { RollupRecord } from '../model/records.ts';

const catalog = defaultCatalog();
const TZ = 'Asia/Shanghai';
const MIN = 60_000;
const H = 3_600_000;
const DAY = 24 * H;
/** Two days now and the same two days a year earlier (year-on-year indicators compare them). */
const NOW0 = Date.parse('2026-10-01T00:00:00+08:00');
const YEAR_AGO0 = Date.parse('2025-10-01T00:00:00+08:00');
const SPAN = 2 * DAY;

const TELEMETRY = catalog.metrics.filter((m) => m.source === 'telemetry' && m.kind !== 'histogram');
const HISTOGRAMS = catalog.metrics.filter((m) => m.kind === 'histogram');
const DECLARED = catalog.metrics.filter((m) => m.source === 'declaration');
const PROVINCES = ['11', '44', '52', '64'];
const CLUSTERS: Record<string, string | null> = { '11': null, '44': 'shaoguan', '52': 'guian', '64': 'zhongwei' };
const LENGTHS_MIN = [1, 5, 7, 15, 60, 90];

/** A center's feed: a start offset, record lengths and gaps, which records come late or are replaced. */
const feedArb = fc.record({
  offsetMin: fc.integer({ min: 0, max: 120 }),
  records: fc.array(
    fc.record({
      lengthMin: fc.constantFrom(...LENGTHS_MIN),
      gapMin: fc.constantFrom(0, 0, 0, 3, 45),
      /** 0 on time, 1 late, 2 on time and replaced by a late copy. */
      arrival: fc.constantFrom(0, 0, 0, 1, 2),
      seed: fc.integer({ min: 1, max: 2 ** 30 }),
    }),
    { minLength: 0, maxLength: 40 },
  ),
});

const centerArb = fc.record({
  province: fc.constantFrom(...PROVINCES),
  hub: fc.boolean(),
  type: fc.constantFrom('general', 'intelligent', 'supercomputing' as const),
  commission: fc.constantFrom('2015-03-01', '2022-06-01', '2026-01-10', '2026-10-02'),
  status: fc.constantFrom('operating', 'operating', 'operating', 'construction' as const),
  racks: fc.integer({ min: 10, max: 5000 }),
  kw: fc.double({ min: 50, max: 50000, noNaN: true }),
  connected: fc.boolean(),
  now: feedArb,
  yearAgo: feedArb,
  filings: fc.boolean(),
});

/** Deterministic pseudo-random values from a seed, so a shrunk case replays exactly. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function telemetryRecord(center: string, startMs: number, endMs: number, seed: number): ParsedRecord {
  const r = rng(seed);
  const metrics: Record<string, number> = {};
  for (const m of TELEMETRY) if (r() < 0.85) metrics[m.id] = m.kind === 'snapshot' ? Math.round(r() * 900) : r() * 1e4;
  const rec: ParsedRecord = { center, startMs, endMs, source: 'telemetry', metrics };
  if (r() < 0.7) {
    rec.histograms = {};
    for (const h of HISTOGRAMS)
      if (r() < 0.8)
        rec.histograms[h.id] = { bounds: h.bounds!, counts: h.bounds!.map(() => Math.floor(r() * 5)).concat(1) };
  }
  return rec;
}

interface Feeds {
  centers: Center[];
  onTime: ParsedRecord[];
  late: ParsedRecord[];
  declarations: ParsedRecord[];
}

function build(specs: Array<typeof centerArb extends fc.Arbitrary<infer T> ? T : never>): Feeds {
  const out: Feeds = { centers: [], onTime: [], late: [], declarations: [] };
  specs.forEach((s, i) => {
    const id = `c${i}`;
    out.centers.push({
      id,
      name: id,
      province: s.province,
      type: s.type,
      hub_cluster: s.hub ? CLUSTERS[s.province]! : null,
      commission_date: s.commission,
      status: s.status,
      size_class: s.racks > 3000 ? 'large' : 'medium',
      racks_design: s.racks * 2,
      racks_installed: s.racks,
      it_rated_kw: s.kw,
      grid_capacity_kw: s.kw * 2,
      platform_connected: s.connected,
      storage_total_tb: s.racks * 40,
      storage_flash_tb: s.racks * 10,
      wan_bandwidth_gbps: s.racks / 10,
    });
    for (const [base, feed] of [
      [NOW0, s.now],
      [YEAR_AGO0, s.yearAgo],
    ] as const) {
      let at = base + feed.offsetMin * MIN;
      for (const f of feed.records) {
        const end = at + f.lengthMin * MIN;
        if (end > base + SPAN) break;
        const rec = telemetryRecord(id, at, end, f.seed);
        if (f.arrival === 1) out.late.push(rec);
        else out.onTime.push(rec);
        // A replacement: same center and start, other values (a corrected record sent again).
        if (f.arrival === 2) out.late.push(telemetryRecord(id, at, end, f.seed + 1));
        at = end + f.gapMin * MIN;
      }
    }
    if (s.filings) {
      const r = rng(i + 17);
      for (const month of ['2025-09', '2026-09', '2026-10']) {
        const w = periodWindow('month', month, TZ);
        const metrics: Record<string, number> = {};
        for (const m of DECLARED) metrics[m.id] = m.unit === 'bool' ? (r() < 0.5 ? 1 : 0) : Math.round(r() * 100);
        out.declarations.push({ center: id, startMs: w.fromMs, endMs: w.toMs, source: 'declaration', metrics });
      }
    }
  });
  return out;
}

/** Raw storage: a record with the same (center, start, source) replaces the earlier one. */
function store(records: ParsedRecord[]): Map<string, ParsedRecord> {
  const m = new Map<string, ParsedRecord>();
  for (const r of records) m.set(`${r.center}/${r.startMs}/${r.source}`, r);
  return m;
}

const overlapping = (records: Iterable<ParsedRecord>, w: { fromMs: number; toMs: number }) =>
  [...records].filter((r) => r.endMs > w.fromMs && r.startMs < w.toMs);

/** Hour and day roll-ups as the hub keeps them, rebuilt for the periods late records touch. */
class Rollups {
  readonly hours = new Map<string, RollupRecord[]>();
  readonly days = new Map<string, RollupRecord[]>();
  builds = 0;

  buildHour(period: string, raw: Map<string, ParsedRecord>): void {
    const w = periodWindow('hour', period, TZ);
    this.hours.set(period, rollUp(catalog, w, overlapping(raw.values(), w)));
    this.builds++;
  }

  buildDay(period: string): void {
    const w = periodWindow('day', period, TZ);
    const hours = periodsTouching('hour', w.fromMs, w.toMs, TZ).flatMap((h) => this.hours.get(h) ?? []);
    this.days.set(period, rollUp(catalog, w, hours));
    this.builds++;
  }

  buildAll(raw: Map<string, ParsedRecord>): void {
    for (const base of [NOW0, YEAR_AGO0]) {
      for (const h of periodsTouching('hour', base, base + SPAN, TZ)) this.buildHour(h, raw);
      for (const d of periodsTouching('day', base, base + SPAN, TZ)) this.buildDay(d);
    }
  }

  /** Late records arrived: the hours they touch are rebuilt from raw, then the days holding those hours. */
  rebuildFor(late: ParsedRecord[], raw: Map<string, ParsedRecord>): void {
    const hours = new Set<string>();
    for (const r of late) for (const h of periodsTouching('hour', r.startMs, r.endMs, TZ)) hours.add(h);
    const days = new Set<string>();
    for (const h of hours) {
      this.buildHour(h, raw);
      days.add(h.slice(0, 10));
    }
    for (const d of days) this.buildDay(d);
  }

  /** A source that reads roll-ups for whole hours and days, raw telemetry only for partial spans. */
  source(raw: Map<string, ParsedRecord>, declarations: ParsedRecord[]): RecordSource {
    const decl = memorySource(declarations);
    return {
      records: async (fromMs, toMs) => {
        const t = tile(fromMs, toMs, ['day', 'hour'], TZ);
        const out: ParsedRecord[] = [];
        for (const x of t.tiles) out.push(...((x.kind === 'day' ? this.days : this.hours).get(x.period) ?? []));
        for (const r of t.rest) out.push(...overlapping(raw.values(), r).filter((x) => x.source === 'telemetry'));
        out.push(...(await decl.records(fromMs, toMs)));
        return out;
      },
      declarationsBefore: (beforeMs) => decl.declarationsBefore!(beforeMs),
    };
  }
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Indicators that had a value (not null) at some level in some run: the property must not hold vacuously. */
const seen = new Set<string>();

function assertSame(got: IndicatorValue[], want: IndicatorValue[], label: string): void {
  assert.equal(got.length, want.length, `${label}: number of values`);
  for (const w of want) if (w.value !== null) seen.add(w.indicator);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const at = `${label}: ${w.level} ${w.code} ${w.indicator}`;
    assert.deepEqual([g.level, g.code, g.indicator], [w.level, w.code, w.indicator], at);
    assert.equal(g.reason, w.reason, `${at}: reason`);
    assert.equal(g.centers, w.centers, `${at}: centers`);
    for (const k of ['value', 'numerator', 'denominator'] as const) {
      const a = g[k];
      const b = w[k];
      assert.ok(a === b || (a !== null && b !== null && close(a, b)), `${at}: ${k} ${a} from roll-ups, ${b} from raw`);
    }
    for (const k of ['centers', 'it_energy'] as const) {
      const a = g.coverage[k];
      const b = w.coverage[k];
      assert.ok(
        a === b || (a !== null && b !== null && Math.abs(a - b) <= 2e-6),
        `${at}: coverage ${k} ${a} from roll-ups, ${b} from raw`,
      );
    }
  }
}

const windowArb = fc.oneof(
  fc.constantFrom<[PeriodKindName, string]>(['day', '2026-10-01'], ['day', '2026-10-02'], ['hour', '2026-10-01T13']),
  fc
    .tuple(fc.integer({ min: 0, max: 47 }), fc.integer({ min: 1, max: 48 }))
    .map(([a, b]) => [Math.min(a, b - 1), Math.max(a + 1, b)] as const),
);

test('every indicator at every level from roll-ups equals the raw records, after late arrivals too', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(centerArb, { minLength: 1, maxLength: 7 }), windowArb, async (specs, win) => {
      const feeds = build(specs);
      const registry = indexRegistry(feeds.centers);
      const window: Window =
        typeof win[0] === 'string'
          ? periodWindow(win[0] as PeriodKindName, win[1] as string, TZ)
          : { fromMs: NOW0 + (win[0] as number) * H, toMs: NOW0 + (win[1] as number) * H };
      const raw = store(feeds.onTime);
      const rollups = new Rollups();
      rollups.buildAll(raw);
      const check = async (label: string) => {
        const all = [...raw.values(), ...feeds.declarations];
        const want = await evaluate({ catalog, registry, window, source: memorySource(all), tz: TZ });
        const got = await evaluate({
          catalog,
          registry,
          window,
          source: rollups.source(raw, feeds.declarations),
          tz: TZ,
        });
        assertSame(got, want, label);
      };
      await check('on-time records');
      // Late records (new ones and corrected copies) land in raw storage; only the periods they touch are rebuilt.
      for (const r of feeds.late) raw.set(`${r.center}/${r.startMs}/${r.source}`, r);
      rollups.rebuildFor(feeds.late, raw);
      await check('after late records');
    }),
    { numRuns: 60, seed: 20261207 },
  );
  const never = catalog.indicators.filter((i) => !seen.has(i.id)).map((i) => i.id);
  assert.deepEqual(never, [], 'indicators that never had a value in any run');
});

test('a roll-up of roll-ups equals the roll-up of their records', () => {
  const raw = store(
    [0, 1, 2, 3].flatMap((c) =>
      Array.from({ length: 30 }, (_, i) =>
        telemetryRecord(`c${c}`, NOW0 + i * 7 * MIN, NOW0 + (i + 1) * 7 * MIN, c * 100 + i),
      ),
    ),
  );
  const r = new Rollups();
  r.buildAll(raw);
  const day = periodWindow('day', '2026-10-01', TZ);
  const direct = rollUp(catalog, day, overlapping(raw.values(), day));
  const viaHours = r.days.get('2026-10-01')!;
  assert.equal(viaHours.length, 4);
  for (let i = 0; i < direct.length; i++) {
    const a = direct[i]!;
    const b = viaHours[i]!;
    assert.equal(a.center, b.center);
    assert.deepEqual(Object.keys(a.metrics).sort(), Object.keys(b.metrics).sort());
    for (const k of Object.keys(a.metrics)) assert.ok(close(a.metrics[k]!, b.metrics[k]!), `${a.center} ${k}`);
    assert.deepEqual(a.histograms, b.histograms);
    assert.equal(a.rollup.records, b.rollup.records);
    assert.equal(a.rollup.records, 30);
    assert.equal(a.rollup.firstStartMs, b.rollup.firstStartMs);
    assert.equal(a.rollup.lastEndMs, b.rollup.lastEndMs);
    assert.ok(close(a.rollup.coveredMs, b.rollup.coveredMs));
  }
});
