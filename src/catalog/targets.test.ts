/** @module Target status and direction-aware ranking with ties. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCatalog } from './load.ts';
import { rankValues, targetStatus, officialTarget } from './targets.ts';

const catalog = defaultCatalog();
const pue = catalog.indicatorById.get('pue')!;
const occupancy = catalog.indicatorById.get('rack_occupancy')!;

test('PUE meets its official target at or below 1.5', () => {
  assert.equal(officialTarget(pue)?.value, 1.5);
  assert.equal(targetStatus(pue, 1.42), 'met');
  assert.equal(targetStatus(pue, 1.5), 'met');
  assert.equal(targetStatus(pue, 1.51), 'missed');
  assert.equal(targetStatus(pue, null), 'no_value');
});

test('ranking respects direction and ties share the best rank', () => {
  const r = rankValues(pue, [
    { code: 'a', value: 1.3 },
    { code: 'b', value: 1.2 },
    { code: 'c', value: 1.3 },
    { code: 'd', value: 1.6 },
    { code: 'e', value: null },
  ]);
  assert.deepEqual(Object.fromEntries(r), { b: 1, a: 2, c: 2, d: 4, e: null });
  const o = rankValues(occupancy, [
    { code: 'a', value: 50 },
    { code: 'b', value: 70 },
  ]);
  assert.deepEqual(Object.fromEntries(o), { b: 1, a: 2 });
});
