/** @module Profiles are data checked by a schema: the bundled ones load, broken ones are refused with the field named. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundledProfileNames, loadBundledProfiles, parseProfile } from './profile.ts';
import { evalLabel } from './map.ts';

test('every bundled profile validates against profiles/profile.schema.json', () => {
  const names = bundledProfileNames();
  assert.deepEqual(names, [
    'cambricon_mlu',
    'dcgm_exporter',
    'enflame_gcu',
    'hygon_dcu',
    'iluvatar_gpu',
    'ipmi_exporter',
    'kunlunxin_xpu',
    'metax_gpu',
    'mthreads_gpu',
    'node_exporter',
    'npu_exporter',
    'smokeping_prober',
  ]);
  for (const p of loadBundledProfiles(names)) assert.ok(p.rules.length > 0, p.name);
});

const broken: Array<{ name: string; yaml: string; message: RegExp }> = [
  {
    name: 'an unknown signal',
    yaml: 'name: x\ndescription: d\nsource: s\nrules:\n  - {metric: m, signal: watts, reduce: each}\n',
    message: /rules\.0\.signal must be one of .*\(got "watts"\)/,
  },
  {
    name: 'a PCI id YAML reads as a number',
    yaml: 'name: x\ndescription: d\nsource: s\nrules:\n  - {metric: m, signal: inventory, reduce: each, labels: {pci_vendor_id: {value: 19e5}}}\n',
    message: /rules\.0\.labels\.pci_vendor_id\.value must be string \(got 1900000\)/,
  },
  {
    name: 'an unknown rule key',
    yaml: 'name: x\ndescription: d\nsource: s\nrules:\n  - {metric: m, signal: status, reduce: each, factor: 2}\n',
    message: /rules\.0\.factor is not an allowed field/,
  },
  {
    name: 'count_distinct without distinct',
    yaml: 'name: x\ndescription: d\nsource: s\nrules:\n  - {metric: m, signal: inventory, reduce: count_distinct}\n',
    message: /needs "distinct"/,
  },
  {
    name: 'a bad regex',
    yaml: 'name: x\ndescription: d\nsource: s\nrules:\n  - {metric: m, signal: status, reduce: each, where: {a: {regex: "("}}}\n',
    message: /invalid regex/,
  },
];
for (const c of broken) {
  test(`a profile with ${c.name} is refused, naming the file and field`, () => {
    assert.throws(
      () => parseProfile(c.yaml, 'broken.yaml'),
      (e: unknown) => e instanceof Error && /^profile broken\.yaml: /.test(e.message) && c.message.test(e.message),
    );
  });
}

const labelCases: Array<{
  name: string;
  spec: Parameters<typeof evalLabel>[0];
  labels: Record<string, string>;
  want: string | undefined;
}> = [
  { name: 'a constant', spec: { value: 'NVIDIA' }, labels: {}, want: 'NVIDIA' },
  { name: 'first non-empty source', spec: { from: ['a', 'b'] }, labels: { a: '', b: 'x' }, want: 'x' },
  {
    name: 'a mapped value',
    spec: { from: ['v'], map: { GenuineIntel: 'Intel' } },
    labels: { v: 'GenuineIntel' },
    want: 'Intel',
  },
  {
    name: 'a regex rewrite',
    spec: { from: ['n'], regex: '([A-Za-z]+)-([0-9A-Z]+)(-.*)?', replacement: '$1 $2' },
    labels: { n: 'Ascend-910B-V1' },
    want: 'Ascend 910B',
  },
  {
    name: 'a regex miss drops by default',
    spec: { from: ['n'], regex: '0x[0-9a-f]{2}' },
    labels: { n: 'GenuineIntel' },
    want: undefined,
  },
  {
    name: 'a regex miss kept on request',
    spec: { from: ['n'], regex: '0x.*', replacement: 'y', unmatched: 'keep' },
    labels: { n: 'abc' },
    want: 'abc',
  },
  { name: 'nonempty flag', spec: { from: ['pod'], nonempty: '1', empty: '0' }, labels: { pod: 'p' }, want: '1' },
  { name: 'empty flag', spec: { from: ['pod'], nonempty: '1', empty: '0' }, labels: {}, want: '0' },
  { name: 'a default', spec: { from: ['m'], default: 'unknown' }, labels: { m: '' }, want: 'unknown' },
];
for (const c of labelCases) {
  test(`label spec: ${c.name}`, () => assert.equal(evalLabel(c.spec, c.labels), c.want));
}

test('a regex spec evaluated again and again gives each value its own result, past the remembered results too', () => {
  const spec = { from: ['n'], regex: '([A-Za-z]+)-([0-9A-Z]+)(-.*)?', replacement: '$1 $2', default: 'unknown' };
  const want = (i: number) => (i % 3 === 0 ? 'unknown' : `Chip ${i}`);
  const value = (i: number) => (i % 3 === 0 ? `chip_${i}` : `Chip-${i}-V1`);
  // Far more values than are remembered, then the first ones again: every answer is the value's own.
  for (const i of [1, 2, 3, 1, 3, 2]) assert.equal(evalLabel(spec, { n: value(i) }), want(i));
  for (let i = 0; i < 3000; i++) assert.equal(evalLabel(spec, { n: value(i) }), want(i), value(i));
  for (let i = 0; i < 10; i++) assert.equal(evalLabel(spec, { n: value(i) }), want(i), value(i));
});
