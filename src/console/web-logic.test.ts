/**
 * @module The console's DOM-free logic in Node: strings in both languages, number and null formatting, periods,
 * the tile grid, and target rules equal to the reports'.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCatalog } from '../catalog/load.ts';
import type { Level } from '../model/values.ts';
import { statusAt } from '../catalog/targets.ts';
import { STRINGS, formatValue, reasonText, setLang, unitText } from './web/i18n.ts';
import { containing, kindOf, recent, shift, window } from './web/periods.ts';
import { CHINA_TILES, colorFor, niceTicks, readableUnit, tickDecimals, tileLayout } from './web/scale.ts';
import { officialOf, statusOf, targetLabel } from './web/state.ts';

const catalog = defaultCatalog();

test('every string exists in Chinese and English, none empty', () => {
  const zh = Object.keys(STRINGS.zh).sort();
  assert.deepEqual(Object.keys(STRINGS.en).sort(), zh);
  for (const lang of ['zh', 'en'] as const) {
    for (const [k, v] of Object.entries(STRINGS[lang])) assert.ok(v.trim().length > 0, `${lang}.${k} is empty`);
  }
  assert.match(STRINGS.zh.title, /[\u4e00-\u9fff]/, 'Chinese is the default language of the console');
});

test('every null reason of the engine has words in both languages', () => {
  for (const lang of ['zh', 'en'] as const) {
    setLang(lang);
    for (const r of [
      'no_data',
      'zero_denominator',
      'not_applicable',
      'no_centers',
      'no_comparison_data',
      'missing_inputs',
    ]) {
      const text = reasonText(r);
      assert.ok(text.length > 3 && !text.includes(r), `${lang}: ${r} → ${text}`);
    }
    assert.match(reasonText('something_new'), /something_new/, 'an unknown reason is still named');
  }
  setLang('zh');
});

test('numbers carry their unit, in the locale of the language', () => {
  setLang('zh');
  assert.equal(formatValue(65.4321, '%'), '65.43%');
  assert.equal(formatValue(1203, 'racks'), '1,203 架');
  assert.equal(formatValue(1.3456, 'ratio'), '1.35');
  assert.equal(formatValue(14, 'count'), '14 个');
  assert.equal(formatValue(0, 'MW'), '0 MW');
  assert.equal(formatValue(0.00002, 'ratio'), '2.00e-5', 'a tiny value is not rounded to 0');
  // Small magnitudes step down their unit's ladder instead of printing 0.0001.
  assert.equal(formatValue(0.00002, 'EB'), '20 TB');
  assert.equal(formatValue(0.42, 'GWh'), '420 MWh');
  assert.equal(formatValue(0.00042, 'GWh'), '420 kWh');
  assert.equal(formatValue(0.0000031, 'GWh'), '3.1 kWh');
  assert.equal(formatValue(0.4, 'MW'), '400 kW');
  assert.equal(formatValue(1234.5, 'GWh'), '1,235 GWh', 'large values keep their unit');
  setLang('en');
  assert.equal(formatValue(1203, 'racks'), '1,203 racks');
  assert.equal(formatValue(14, 'count'), '14');
  assert.equal(unitText('kgCO2/kWh'), 'kgCO2/kWh');
  setLang('zh');
});

test('period names step, list and window as the hub names them', () => {
  assert.equal(kindOf('2026-10'), 'month');
  assert.equal(kindOf('2026-Q4'), 'quarter');
  assert.equal(kindOf('2026'), 'year');
  assert.equal(kindOf('2026-13'), undefined);
  assert.equal(shift('2026-01', -1), '2025-12');
  assert.equal(shift('2026-Q1', -1), '2025-Q4');
  assert.equal(shift('2026', 2), '2028');
  assert.deepEqual(recent('2026-02', 3), ['2026-02', '2026-01', '2025-12']);
  assert.equal(containing('quarter', '2026-10'), '2026-Q4');
  assert.equal(containing('year', '2026-10'), '2026');
  assert.deepEqual(window('2026-10'), { from: '2026-10-01T00:00:00+08:00', to: '2026-11-01T00:00:00+08:00' });
  assert.deepEqual(window('2026-Q4'), { from: '2026-10-01T00:00:00+08:00', to: '2027-01-01T00:00:00+08:00' });
  assert.deepEqual(window('2026'), { from: '2026-01-01T00:00:00+08:00', to: '2027-01-01T00:00:00+08:00' });
});

test('the tile grid holds every province of the catalog once, each on its own cell', () => {
  const tiles = tileLayout(catalog.provinces);
  assert.equal(tiles.length, catalog.provinces.length);
  assert.equal(new Set(tiles.map((t) => `${t.col},${t.row}`)).size, tiles.length);
  for (const p of catalog.provinces) assert.ok(CHINA_TILES[p.code], `no hand-drawn tile for ${p.code} ${p.en}`);
  // A region the hand-drawn grid does not know is placed on a free cell near its lat/lon.
  const extra = tileLayout([...catalog.provinces, { code: '71', lat: 25.03, lon: 121.56 }]);
  const placed = extra.find((t) => t.code === '71')!;
  assert.ok(!tiles.some((t) => t.col === placed.col && t.row === placed.row));
  assert.ok(placed.col >= 5 && placed.row >= 5, `Taiwan lands in the south-east (got ${placed.col},${placed.row})`);
});

test('axis ticks cover the data; colours run from worst to best by direction', () => {
  for (const [lo, hi] of [
    [1.12, 1.66],
    [0, 100],
    [52.3, 61.9],
    [5, 5],
    [-3, 12],
  ] as const) {
    const ticks = niceTicks(lo, hi, 4);
    assert.ok(ticks[0]! <= lo && ticks[ticks.length - 1]! >= hi, `${lo}..${hi} → ${ticks}`);
    assert.ok(ticks.length >= 2 && ticks.length <= 8);
  }
  const lower = colorFor('lower', 1.1, 1.7);
  assert.equal(lower(1.1), 'rgb(46, 150, 92)', 'the lowest PUE is green');
  assert.equal(lower(1.7), 'rgb(200, 62, 50)', 'the highest PUE is red');
  assert.equal(colorFor('higher', 0, 100)(100), 'rgb(46, 150, 92)');
});

test('the console judges targets by the catalog rule the hub and reports use, at every level', () => {
  for (const ind of catalog.indicators) {
    for (const level of ['nation', 'province', 'center'] as Level[]) {
      for (const v of [null, 0, 1.2, 50, 95, 1e6])
        assert.equal(statusOf(ind, level, v), statusAt(ind, level, v), `${ind.code} at ${level}, ${v}`);
      assert.equal(
        officialOf(ind, level) === undefined,
        statusOf(ind, level, 1) === 'no_target',
        `${ind.code} at ${level}: a drawn target line means a judged status`,
      );
    }
  }
  const pue = catalog.indicatorById.get('pue')!;
  assert.equal(statusOf(pue, 'center', 1.36), 'met');
  assert.equal(statusOf(pue, 'center', 1.59), 'missed');
  assert.equal(statusOf(pue, 'center', null), 'no_value');
  assert.equal(targetLabel(pue, 'nation').short, '≤ 1.5');
  const racks = catalog.indicatorById.get('racks_installed')!;
  assert.equal(statusOf(racks, 'center', 2477), 'no_target', 'a national total is no yardstick for one center');
});

test('charts of small magnitudes switch unit, and tick labels carry the digits their step needs', () => {
  assert.deepEqual(readableUnit('GWh', 0.4), { unit: 'MWh', factor: 1000 });
  assert.deepEqual(readableUnit('GWh', 0.0004), { unit: 'kWh', factor: 1_000_000 });
  assert.deepEqual(readableUnit('GWh', 0.00000004), { unit: 'kWh', factor: 1_000_000 }, 'kWh is the smallest step');
  assert.deepEqual(readableUnit('GWh', 3), { unit: 'GWh', factor: 1 });
  assert.deepEqual(readableUnit('EFLOPS', 0.02), { unit: 'PFLOPS', factor: 1000 });
  assert.deepEqual(readableUnit('ratio', 0.0001), { unit: 'ratio', factor: 1 });
  assert.equal(tickDecimals(5), 0);
  assert.equal(tickDecimals(0.25), 2);
  assert.equal(tickDecimals(0.0005), 4);
  // PUE 1.2901 … 1.2904: ticks 0.0001 apart read apart.
  const ticks = niceTicks(1.2901, 1.2904, 4);
  const d = tickDecimals(ticks[1]! - ticks[0]!);
  assert.equal(new Set(ticks.map((t) => t.toFixed(d))).size, ticks.length);
});
