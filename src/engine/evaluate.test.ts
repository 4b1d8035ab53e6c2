/** @module Tests of the engine's roll-up rules, null reasons, time weighting and coverage. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCatalog } from '../catalog/load.ts';
import { indexRegistry } from '../registry/load.ts';
import { evaluate, memorySource } from './evaluate.ts';
import { syntheticFleet } from './synthetic.ts';
import type { Center } from '../model/centers.ts';
import type { IndicatorValue } from '../model/values.ts';
import type { ParsedRecord } from '../model/records.ts';

const catalog = defaultCatalog();
const H = 3_600_000;
const T0 = Date.parse('2026-10-01T00:00:00+08:00');

function center(id: string, extra: Partial<Center> = {}): Center {
  return {
    id,
    name: id,
    province: '44',
    type: 'general',
    hub_cluster: null,
    commission_date: '2020-01-01',
    size_class: 'large',
    racks_design: 1000,
    racks_installed: 800,
    it_rated_kw: 2000,
    grid_capacity_kw: 4000,
    ...extra,
  };
}
function rec(
  c: string,
  startH: number,
  endH: number,
  metrics: Record<string, number>,
  source: 'telemetry' | 'declaration' = 'telemetry',
): ParsedRecord {
  return { center: c, startMs: T0 + startH * H, endMs: T0 + endH * H, source, metrics };
}
async function run(centers: Center[], records: ParsedRecord[], fromH = 0, toH = 24) {
  return evaluate({
    catalog,
    registry: indexRegistry(centers),
    window: { fromMs: T0 + fromH * H, toMs: T0 + toH * H },
    source: memorySource(records),
  });
}
function pick(values: IndicatorValue[], indicator: string, level: string, code: string): IndicatorValue {
  const v = values.find((x) => x.indicator === indicator && x.level === level && x.code === code);
  assert.ok(v, `no ${indicator} at ${level} ${code}`);
  return v;
}

test('province PUE is the ratio of summed energies, not the mean of center PUEs', async () => {
  const values = await run(
    [center('c1'), center('c2')],
    [rec('c1', 0, 24, { e_total_kwh: 12e6, e_it_kwh: 10e6 }), rec('c2', 0, 24, { e_total_kwh: 1.8e6, e_it_kwh: 1e6 })],
  );
  assert.equal(pick(values, 'pue', 'center', 'c1').value, 1.2);
  assert.equal(pick(values, 'pue', 'center', 'c2').value, 1.8);
  const p = pick(values, 'pue', 'province', '44');
  assert.ok(Math.abs(p.value! - 13.8 / 11) < 1e-12, `got ${p.value}`);
  assert.notEqual(Math.round(p.value! * 100) / 100, 1.5);
  assert.deepEqual([p.numerator, p.denominator, p.centers], [13.8e6, 11e6, 2]);
  assert.equal(pick(values, 'pue', 'nation', 'CN').value, p.value);
});

test('a value that cannot be computed is null with a reason, never 0', async () => {
  const values = await run(
    [center('c1'), center('c2'), center('c3')],
    [rec('c1', 0, 24, { e_total_kwh: 100, e_it_kwh: 0 }), rec('c2', 0, 24, { water_m3: 5 })],
  );
  assert.equal(pick(values, 'pue', 'center', 'c1').reason, 'zero_denominator');
  assert.equal(pick(values, 'pue', 'center', 'c1').value, null);
  assert.equal(pick(values, 'pue', 'center', 'c2').reason, 'missing_inputs');
  assert.equal(pick(values, 'pue', 'center', 'c3').reason, 'no_data');
  assert.equal(pick(values, 'hub_compute_share', 'center', 'c1').reason, 'not_applicable');
  assert.equal(pick(values, 'pue', 'province', '11').reason, 'no_centers');
});

test('a center missing one input leaves both numerator and denominator', async () => {
  const values = await run(
    [center('c1'), center('c2')],
    [rec('c1', 0, 24, { e_total_kwh: 150, e_it_kwh: 100 }), rec('c2', 0, 24, { e_it_kwh: 1000 })],
  );
  const p = pick(values, 'pue', 'province', '44');
  assert.deepEqual([p.value, p.centers], [1.5, 1]);
});

test('records straddling the window count pro rata; gauge means are time-weighted; maxima are maxima', async () => {
  const values = await run(
    [center('c1')],
    [
      rec('c1', -12, 12, { e_total_kwh: 240, e_it_kwh: 200, racks_in_use: 100, p_total_kw_max: 50 }),
      rec('c1', 12, 24, { e_total_kwh: 120, e_it_kwh: 100, racks_in_use: 400, p_total_kw_max: 70 }),
    ],
  );
  const pue = pick(values, 'pue', 'center', 'c1');
  assert.deepEqual([pue.numerator, pue.denominator], [240, 200]);
  // racks_in_use: 12 h at 100 and 12 h at 400 → 250 of 800 installed.
  assert.ok(Math.abs(pick(values, 'rack_occupancy', 'center', 'c1').value! - 31.25) < 1e-9);
  assert.ok(Math.abs(pick(values, 'power_cap_util', 'center', 'c1').value! - (70 / 4000) * 100) < 1e-9);
});

test('a filtered ratio chooses its subset first', async () => {
  const values = await run(
    [
      center('old', { commission_date: '2015-01-01' }),
      center('new', { commission_date: '2024-01-01' }),
      center('newsmall', { commission_date: '2024-01-01', size_class: 'small' }),
    ],
    [
      rec('old', 0, 24, { e_total_kwh: 200, e_it_kwh: 100 }),
      rec('new', 0, 24, { e_total_kwh: 120, e_it_kwh: 100 }),
      rec('newsmall', 0, 24, { e_total_kwh: 300, e_it_kwh: 100 }),
    ],
  );
  assert.equal(pick(values, 'pue_new_large', 'province', '44').value, 1.2);
  assert.equal(pick(values, 'pue_new_large', 'center', 'old').reason, 'no_centers');
});

test('coverage counts reporting centers and estimates the IT energy of silent ones', async () => {
  const values = await run(
    [center('c1'), center('c2', { it_rated_kw: 1000 })],
    [rec('c1', 0, 12, { e_total_kwh: 300, e_it_kwh: 240 })],
  );
  const p = pick(values, 'pue', 'province', '44');
  assert.equal(p.coverage.centers, 0.5);
  // c1 covered half the window: expected 480 kWh; load factor 480/(2000×24); c2 expected 1000×24×LF = 240.
  assert.ok(Math.abs(p.coverage.it_energy! - 240 / 720) < 1e-6, `got ${p.coverage.it_energy}`);
  assert.deepEqual(pick(values, 'pue', 'center', 'c2').coverage, { centers: 0, it_energy: 0 });
});

test('IT-energy coverage counts the time of the records that carry IT energy, not of every record', async () => {
  // c1 reports all day, but its afternoon records carry no IT energy: half the day's IT energy is reported.
  const values = await run(
    [center('c1')],
    [rec('c1', 0, 12, { e_total_kwh: 300, e_it_kwh: 240 }), rec('c1', 12, 24, { e_total_kwh: 300 })],
  );
  assert.deepEqual(pick(values, 'pue', 'center', 'c1').coverage, { centers: 1, it_energy: 0.5 });
  assert.equal(pick(values, 'pue', 'province', '44').coverage.it_energy, 0.5);
});

test('centers commissioned after the window are not counted; construction sites are not expected to report', async () => {
  const values = await run(
    [
      center('c1'),
      center('future', { commission_date: '2027-01-01' }),
      center('site', { status: 'construction', commission_date: null, it_pipeline_kw: 5000 }),
    ],
    [],
  );
  assert.equal(pick(values, 'dc_count', 'nation', 'CN').value, 1);
  assert.equal(pick(values, 'it_pipeline_mw', 'nation', 'CN').value, 5);
  assert.equal(pick(values, 'pue', 'nation', 'CN').coverage.centers, 0);
});

test('a long evaluation gives the event loop turns: what was queued when it began runs before it ends', async () => {
  const catalog = defaultCatalog();
  const fromMs = Date.parse('2026-10-01T00:00:00+08:00');
  // 1,000 centers × 15 one-minute records: far more work than one slice.
  const { registry, records } = syntheticFleet(catalog, { centers: 1000, days: 15, seed: 7, fromMs, stepMs: 60_000 });
  const events: string[] = [];
  setImmediate(() => events.push('queued'));
  const values = await evaluate({
    catalog,
    registry,
    window: { fromMs, toMs: fromMs + 15 * 60_000 },
    source: memorySource(records),
  });
  events.push('evaluated');
  assert.deepEqual(events, ['queued', 'evaluated']);
  assert.equal(values.length, (1 + catalog.provinces.length + 1000) * catalog.indicators.length);
});
