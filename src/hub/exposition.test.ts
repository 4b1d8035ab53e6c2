/** @module The hand-written per-center series are the text prom-client's labelled gauges wrote for the same values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gauge, Registry } from 'prom-client';
import { defaultCatalog } from '../catalog/load.ts';
import { syntheticFleet } from '../engine/synthetic.ts';
import type { IndicatorValue } from '../model/values.ts';
import { HubMetrics } from './metrics.ts';
import { COVERAGE_RATIO, INDICATOR_VALUE, INLET, LAST_RECORD, indicatorText, type NewestRecord } from './exposition.ts';
import { Turns } from '../engine/turns.ts';

const catalog = defaultCatalog();
const { registry } = syntheticFleet(catalog, { centers: 40, days: 1, seed: 7 });
const centers = [...registry.byId.values()];
const provinces = [...new Set(centers.map((c) => c.province))];

function value(level: IndicatorValue['level'], code: string, indicator: string, v: number | null, cov: number | null) {
  return {
    level,
    code,
    indicator,
    value: v,
    unit: '',
    numerator: null,
    denominator: null,
    centers: 1,
    coverage: { centers: cov, it_energy: cov },
    reason: null,
  } satisfies IndicatorValue;
}

/** Values of every level with the awkward cases: null, NaN, infinities, integers, tiny and huge numbers. */
function someValues(): IndicatorValue[] {
  const odd = [null, Number.NaN, Infinity, -Infinity, 0, 3, -2.5, 1e-12, 1.7976931348623157e308, 0.1 + 0.2];
  const out: IndicatorValue[] = [];
  let i = 0;
  for (const ind of catalog.indicators.slice(0, 12)) {
    out.push(value('nation', 'CN', ind.id, odd[i++ % odd.length]!, i % 3 === 0 ? null : 0.75));
    for (const p of provinces) out.push(value('province', p, ind.id, odd[i++ % odd.length]!, 0.5));
    for (const c of centers) out.push(value('center', c.id, ind.id, odd[i++ % odd.length]!, 1));
  }
  // An indicator the catalog does not know has dimension "".
  out.push(value('nation', 'CN', 'not_in_catalog', 1, 1));
  return out;
}

/** What prom-client wrote for these values and newest records (the reference). */
async function promClientText(values: IndicatorValue[], newest: NewestRecord[], index = registry): Promise<string> {
  const r = new Registry();
  const iv = new Gauge({
    name: INDICATOR_VALUE.name,
    help: INDICATOR_VALUE.help,
    registers: [r],
    labelNames: ['level', 'province', 'center', 'indicator', 'dimension'],
  });
  const cr = new Gauge({
    name: COVERAGE_RATIO.name,
    help: COVERAGE_RATIO.help,
    registers: [r],
    labelNames: ['level', 'province', 'center', 'indicator'],
  });
  const lr = new Gauge({
    name: LAST_RECORD.name,
    help: LAST_RECORD.help,
    registers: [r],
    labelNames: ['province', 'center'],
  });
  const inl = new Gauge({
    name: INLET.name,
    help: INLET.help,
    registers: [r],
    labelNames: ['province', 'center', 'stat'],
  });
  for (const v of values) {
    const province =
      v.level === 'nation' ? '' : v.level === 'province' ? v.code : (index.byId.get(v.code)?.province ?? '');
    const center = v.level === 'center' ? v.code : '';
    const dimension = catalog.indicatorById.get(v.indicator)?.dimension ?? '';
    if (v.value !== null && Number.isFinite(v.value))
      iv.set({ level: v.level, province, center, indicator: v.indicator, dimension }, v.value);
    if (v.level !== 'center' && v.coverage.centers !== null)
      cr.set({ level: v.level, province, center, indicator: v.indicator }, v.coverage.centers);
  }
  for (const n of newest) {
    lr.set({ province: n.province, center: n.center }, n.endMs / 1000);
    if (n.inletMean !== undefined) inl.set({ province: n.province, center: n.center, stat: 'mean' }, n.inletMean);
    if (n.inletMax !== undefined) inl.set({ province: n.province, center: n.center, stat: 'max' }, n.inletMax);
  }
  return r.metrics();
}

/** The exposition's lines of the four per-center families, sorted (Prometheus reads them in any order). */
function familyLines(text: string, province?: string): string[] {
  const names = [INDICATOR_VALUE, COVERAGE_RATIO, LAST_RECORD, INLET].map((f) => f.name);
  return text
    .split('\n')
    .filter((l) => names.some((n) => l.startsWith(n) || l.startsWith(`# HELP ${n} `) || l.startsWith(`# TYPE ${n} `)))
    .filter((l) => province === undefined || l.startsWith('#') || l.includes(`province="${province}"`))
    .sort();
}

const newest: NewestRecord[] = centers.map((c, i) => ({
  province: c.province,
  center: c.id,
  endMs: Date.parse('2026-12-07T10:00:00Z') + i * 60_001,
  ...(i % 2 === 0 ? { inletMean: 22.5 + i / 7 } : {}),
  ...(i % 3 === 0 ? { inletMax: 27 + i } : {}),
}));

async function hubText(m: HubMetrics, province?: string): Promise<string> {
  return Buffer.concat((await m.render(province)).map((c) => Buffer.from(c))).toString();
}

test('the per-center series are the lines prom-client wrote for the same values, whole and per province', async () => {
  const m = new HubMetrics(catalog, registry);
  const values = someValues();
  m.setIndicatorValues(values);
  for (const n of newest) m.noteRecordEnd(n.center, n.province, n.endMs, { mean: n.inletMean, max: n.inletMax });
  const reference = await promClientText(values, newest);
  const text = await hubText(m);
  assert.ok(text.includes('dims_hub_records_accepted_total'), 'the hub’s own metrics are there');
  assert.ok(familyLines(text).length > 400);
  assert.deepEqual(familyLines(text), familyLines(reference));
  const p = provinces[0]!;
  const scoped = await hubText(m, p);
  assert.deepEqual(familyLines(scoped), familyLines(reference, p));
  assert.ok(!scoped.includes('dims_hub_'), 'a province scope drops the hub’s own metrics');
  assert.ok(!scoped.includes('province=""'), 'and the nation’s series');
});

test('new values are written at the next scrape; label values are escaped as prom-client escapes them', async () => {
  const odd = { ...registry, byId: new Map(registry.byId) };
  const c = centers[0]!;
  odd.byId.set('odd"\\\nid', { ...c, id: 'odd"\\\nid' });
  const m = new HubMetrics(catalog, odd);
  const oddValues = [value('center', 'odd"\\\nid', 'pue', 1.5, 1)];
  m.setIndicatorValues(oddValues);
  const first = await hubText(m);
  assert.deepEqual(familyLines(first), familyLines(await promClientText(oddValues, [], odd)));
  assert.match(first, /center="odd\\"\\\\\\nid"/);
  m.setIndicatorValues([value('center', c.id, 'pue', 1.25, 1)]);
  const second = await hubText(m);
  assert.ok(!second.includes('odd'), 'the old values are gone');
  assert.match(second, new RegExp(`center="${c.id}",indicator="pue",dimension="[A-D]"\\} 1\\.25\\n`));
});

test('the indicator text is built in turns: the event loop runs between them', async () => {
  class Always extends Turns {
    override due(): boolean {
      return true;
    }
  }
  const values = Array.from({ length: 3 }, () => someValues()).flat();
  assert.ok(values.length > 2048);
  let ran = false;
  setImmediate(() => (ran = true));
  const text = await indicatorText(catalog, registry, values, new Always());
  assert.equal(ran, true, 'the event loop ran during the build');
  assert.equal(text.values.size > 1, true);
});

test('a text that took long to build is kept for nine times its length; a quick one is built for every new set', async () => {
  let t = 0;
  let buildMs = 500;
  // The clock moves on by `buildMs` while a text is built (read at its start and at its end).
  let reads = 0;
  const m = new HubMetrics(catalog, registry, { clock: () => (reads++ % 2 === 0 ? t : (t += buildMs)) });
  const c = centers[0]!;
  const scrape = async (v: number) => {
    m.setIndicatorValues([value('center', c.id, 'pue', v, 1)]);
    return hubText(m);
  };
  assert.match(await scrape(1.5), /\} 1\.5\n/);
  t += 1000; // 1 s after a build of 0.5 s: kept
  const kept = await scrape(1.25);
  assert.match(kept, /\} 1\.5\n/);
  assert.doesNotMatch(kept, /1\.25/);
  t += 3600; // 4.6 s after it: built again
  assert.match(await scrape(1.125), /\} 1\.125\n/);
  buildMs = 1;
  t += 4500;
  assert.match(await scrape(1.0625), /\} 1\.0625\n/);
  assert.match(await scrape(1.03125), /\} 1\.03125\n/, 'a quick build is done for every new set');
});
