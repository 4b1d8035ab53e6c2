/** @module Profile mapping over parsed expositions: samples found by name wherever their families put them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapExposition } from './map.ts';
import { parseExposition } from './parse.ts';
import { parseProfile } from './profile.ts';

const sumOf = (metric: string) =>
  parseProfile(
    `name: sum_test\ndescription: test\nsource: test\nrules:\n  - { metric: ${metric}, signal: cpu_seconds, reduce: sum }\n`,
    'sum_test.yaml',
  );

test('a sample name found in two families is mapped from both, and neither family changes', () => {
  // a_total belongs to counter a, then (after b) starts a family of its own.
  const exp = parseExposition('# TYPE a counter\na_total 1\nb 2\na_total 3\n', 'prometheus');
  assert.deepEqual(
    exp.families.map((f) => [f.name, f.samples.length]),
    [
      ['a', 1],
      ['b', 1],
      ['a_total', 1],
    ],
  );
  const samples = mapExposition(exp, [sumOf('a_total')], { honorTimestamps: false });
  assert.deepEqual(samples, [{ signal: 'cpu_seconds', value: 4 }]);
  assert.deepEqual(
    exp.families.map((f) => f.samples.map((s) => s.value)),
    [[1], [2], [3]],
  );
});

test('a histogram family lends no list: its buckets, sum and count are found by their own names', () => {
  const exp = parseExposition(
    '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 5\nh_sum 7\nh_count 5\n',
    'prometheus',
  );
  const map = (metric: string) => mapExposition(exp, [sumOf(metric)], { honorTimestamps: false })[0]?.value;
  assert.deepEqual([map('h_bucket'), map('h_sum'), map('h_count'), map('h')], [7, 7, 5, undefined]);
});
