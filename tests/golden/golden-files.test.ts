/**
 * @module Checks the golden indicator scripts themselves: one per indicator, in the agreed format, with
 * registry entries and records the real contracts accept, and expectations at every level the indicator has.
 *
 * Whether the engine produces the expected values is the golden runner's job; this keeps the scripts sound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { defaultCatalog } from '../../src/catalog/load.ts';
import { PROJECT_ROOT } from '../../src/catalog/paths.ts';
import { parseRegistry } from '../../src/registry/load.ts';
import { parseRecord } from '../../src/records/parse.ts';

const DIR = path.join(PROJECT_ROOT, 'tests', 'golden', 'indicators');
const KEYS = ['indicator', 'description', 'window', 'center_defaults', 'centers', 'records', 'expect'];
const EXPECT_KEYS = new Set(['level', 'code', 'value', 'numerator', 'denominator', 'centers', 'reason']);
const REASONS = new Set([
  'no_data',
  'missing_inputs',
  'zero_denominator',
  'not_applicable',
  'no_centers',
  'no_comparison_data',
]);

interface Expect {
  level: 'center' | 'province' | 'nation';
  code: string;
  value: number | null;
  reason?: string;
  [k: string]: unknown;
}

interface Golden {
  indicator: string;
  description: string;
  window: { from: string; to: string };
  center_defaults: Record<string, unknown>;
  centers: Array<Record<string, unknown>>;
  records: Array<Record<string, unknown>>;
  expect: Expect[];
}

const catalog = defaultCatalog();
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

test('there is exactly one golden script per indicator, named <code>-<id>.yaml', () => {
  assert.deepEqual(
    files,
    catalog.indicators.map((i) => `${i.code}-${i.id}.yaml`),
  );
});

for (const file of files) {
  test(`golden ${file} is well formed`, () => {
    const g = parseYaml(readFileSync(path.join(DIR, file), 'utf8')) as Golden;
    assert.deepEqual(Object.keys(g), KEYS, 'top-level keys, in order');
    const ind = catalog.indicatorById.get(g.indicator);
    assert.ok(ind, `unknown indicator ${g.indicator}`);
    assert.equal(file, `${ind.code}-${ind.id}.yaml`);
    assert.ok(g.description.length > 20, 'says what the case shows');

    const fromMs = Date.parse(g.window.from);
    const toMs = Date.parse(g.window.to);
    assert.ok(fromMs < toMs, 'window from < to');

    const centers = g.centers.map((c) => ({ ...g.center_defaults, ...c }));
    const registry = parseRegistry({ centers }, catalog, file);
    for (const [i, r] of g.records.entries()) {
      const raw = { start: g.window.from, end: g.window.to, ...r };
      const { problems } = parseRecord(raw, {
        catalog,
        registry,
        nowMs: Date.parse('2030-01-01T00:00:00Z'),
        anyInterval: true,
      });
      assert.deepEqual(problems, [], `records[${i}] is not a valid center record`);
    }

    const provinces = new Set(centers.map((c) => c.province as string));
    const levels = new Set(g.expect.map((e) => e.level));
    assert.ok(levels.has('province') && levels.has('nation'), 'expects values at province and nation level');
    if (ind.levels.includes('center')) assert.ok(levels.has('center'), 'expects a value at center level');
    for (const [i, e] of g.expect.entries()) {
      const at = `expect[${i}]`;
      for (const k of Object.keys(e)) assert.ok(EXPECT_KEYS.has(k), `${at} has unknown key ${k}`);
      assert.ok(e.value === null || typeof e.value === 'number', `${at} value is a number or null`);
      if (e.reason !== undefined) {
        assert.ok(REASONS.has(e.reason), `${at} reason ${e.reason}`);
        assert.equal(e.value, null, `${at} a reason goes with a null value`);
      }
      if (e.level === 'center') assert.ok(registry.byId.has(e.code), `${at} center ${e.code} is in the registry`);
      if (e.level === 'province') assert.ok(provinces.has(e.code), `${at} province ${e.code} has centers`);
      if (e.level === 'nation') assert.equal(e.code, 'CN');
      if (!ind.levels.includes(e.level))
        assert.deepEqual([e.value, e.reason], [null, 'not_applicable'], `${at} level ${e.level} is not applicable`);
    }
  });
}
