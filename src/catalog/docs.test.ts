/** @module Tests of the generated indicator reference: committed docs match the catalog, every indicator appears. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCatalog } from './load.ts';
import { describeComputation, docsDrift, renderDocs } from './docs.ts';
import type { Indicator } from './types.ts';

test('committed indicator docs equal a fresh rendering (run npm run gen:docs after changing the catalog)', () => {
  assert.deepEqual(docsDrift(defaultCatalog()), []);
});

test('every indicator appears in both languages, in its table row and its own section', () => {
  const catalog = defaultCatalog();
  const pages = renderDocs(catalog);
  assert.deepEqual([...pages.keys()].sort(), ['en', 'zh']);
  for (const [lang, page] of pages) {
    assert.match(page, /do not edit|请勿手工编辑/i, `${lang} banner`);
    for (const i of catalog.indicators) {
      assert.ok(
        page.includes(`| [${i.code}](#${i.code.toLowerCase()}) | \`${i.id}\` |`),
        `${lang}: table row of ${i.code}`,
      );
      assert.ok(page.includes(`### ${i.code} ${i.id} · ${i.name[lang]}`), `${lang}: section of ${i.code}`);
      if (i.decision) assert.ok(page.includes(i.decision[lang]), `${lang}: decision of ${i.code}`);
    }
  }
});

test('describeComputation renders the computation trees as readable text', () => {
  const c = defaultCatalog();
  const get = (id: string): Indicator => c.indicatorById.get(id)!;
  assert.equal(describeComputation(get('pue'), 'en'), 'Σ e_total_kwh ÷ Σ e_it_kwh');
  assert.equal(describeComputation(get('rack_occupancy'), 'en'), '100 × Σ racks_in_use ÷ Σ racks_installed');
  assert.equal(describeComputation(get('it_load_util'), 'en'), '100 × Σ e_it_kwh ÷ Σ(it_rated_kw × period_hours)');
  assert.equal(describeComputation(get('it_rated_mw'), 'en'), 'Σ it_rated_kw ÷ 1000');
  assert.equal(
    describeComputation(get('availability'), 'en'),
    '100 × (1 − Σ(outage_min_unplanned × it_rated_kw) ÷ Σ(period_minutes × it_rated_kw))',
  );
  assert.equal(
    describeComputation(get('platform_rate'), 'en'),
    '100 × Σ it_rated_kw [only platform_connected = true] ÷ Σ it_rated_kw',
  );
  assert.equal(
    describeComputation(get('pue_new_large'), 'en'),
    'Σ e_total_kwh ÷ Σ e_it_kwh over centers where is_new = true and is_large = true',
  );
  assert.equal(describeComputation(get('dc_count'), 'en'), 'number of centers where status = operating');
  assert.equal(describeComputation(get('pue_gt_1_5_count'), 'en'), 'number of centers whose own pue > 1.5');
  assert.equal(describeComputation(get('lat_city_p95'), 'en'), 'p95 of the merged lat_city_hist histograms');
  assert.equal(
    describeComputation(get('rack_growth_yoy'), 'en'),
    '100 × (racks_installed ÷ racks_installed[a year earlier] − 1)',
  );
  assert.equal(describeComputation(get('hub_util_gap'), 'en'), 'rack_occupancy[is_hub = true] − rack_occupancy');
  assert.equal(
    describeComputation(get('compute_per_kw'), 'en'),
    '1000 × Σ(pf_general_fp32 + pf_accel_fp32 + pf_hpc_fp64) ÷ Σ(e_it_kwh ÷ period_hours)',
  );
  assert.equal(describeComputation(get('pue'), 'zh'), 'Σ e_total_kwh ÷ Σ e_it_kwh');
  assert.equal(describeComputation(get('lat_city_p95'), 'zh'), '合并各中心 lat_city_hist 直方图后的第95百分位');
});

test('every indicator has a non-empty description of its computation in both languages', () => {
  for (const i of defaultCatalog().indicators) {
    for (const lang of ['zh', 'en'] as const) assert.ok(describeComputation(i, lang).length > 3, `${i.code} ${lang}`);
  }
});
