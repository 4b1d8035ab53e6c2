/**
 * @module Runs every golden indicator script in tests/golden/indicators/: a small registry, input records
 * and the expected value at each level, evaluated by the real engine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { defaultCatalog } from '../../src/catalog/load.ts';
import { parseRegistry } from '../../src/registry/load.ts';
import { parseRecords } from '../../src/records/parse.ts';
import { evaluate, memorySource } from '../../src/engine/evaluate.ts';
import type { IndicatorValue } from '../../src/model/values.ts';

interface Golden {
  indicator: string;
  description: string;
  window: { from: string; to: string };
  center_defaults?: Record<string, unknown>;
  centers: Array<Record<string, unknown>>;
  records?: Array<Record<string, unknown>>;
  expect: Array<Partial<IndicatorValue> & { level: IndicatorValue['level']; code: string }>;
  tolerance?: number;
}

const dir = path.join(import.meta.dirname, 'indicators');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const catalog = defaultCatalog();

test('there is one golden script per indicator', () => {
  const covered = new Set(files.map((f) => (parseYaml(readFileSync(path.join(dir, f), 'utf8')) as Golden).indicator));
  const missing = catalog.indicators.filter((i) => !covered.has(i.id)).map((i) => i.id);
  assert.deepEqual(missing, []);
});

for (const file of files) {
  const g = parseYaml(readFileSync(path.join(dir, file), 'utf8')) as Golden;
  test(`${file}: ${g.description}`, async () => {
    assert.ok(catalog.indicatorById.has(g.indicator), `unknown indicator ${g.indicator}`);
    const registry = parseRegistry({ centers: g.centers.map((c) => ({ ...g.center_defaults, ...c })) }, catalog, file);
    const raws = (g.records ?? []).map((r) => ({ start: g.window.from, end: g.window.to, ...r }));
    const { records, errors } = parseRecords(raws, {
      catalog,
      registry,
      nowMs: Date.parse('2100-01-01T00:00:00Z'),
      anyInterval: true,
    });
    assert.deepEqual(errors, [], `${file}: records must be valid`);
    const window = { fromMs: Date.parse(g.window.from), toMs: Date.parse(g.window.to) };
    const values = await evaluate({ catalog, registry, window, source: memorySource(records) });
    const tol = g.tolerance ?? 1e-6;
    for (const e of g.expect) {
      const got = values.find((v) => v.indicator === g.indicator && v.level === e.level && v.code === String(e.code));
      assert.ok(got, `${file}: no value for ${e.level} ${e.code}`);
      const where = `${file}: ${g.indicator} at ${e.level} ${e.code}`;
      for (const field of ['value', 'numerator', 'denominator'] as const) {
        if (!(field in e)) continue;
        const want = e[field];
        const have: number | null = got[field];
        if (want === null || want === undefined)
          assert.equal(have, null, `${where}: ${field} should be null, got ${have}`);
        else {
          assert.notEqual(have, null, `${where}: ${field} is null (reason ${got.reason}), expected ${want}`);
          const diff = Math.abs((have as number) - want);
          assert.ok(diff <= tol * Math.max(1, Math.abs(want)), `${where}: ${field} is ${have}, expected ${want}`);
        }
      }
      if ('centers' in e) assert.equal(got.centers, e.centers, `${where}: centers`);
      if ('reason' in e) assert.equal(got.reason, e.reason, `${where}: reason`);
    }
  });
}
