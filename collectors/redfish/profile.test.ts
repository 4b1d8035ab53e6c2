/** @module Redfish profiles are data checked by a schema: shipped ones load and merge over generic, broken ones are refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundledProfileNames, detectProfile, loadBundledProfiles, loadProfile } from './profile.ts';
import { pciId } from './inventory.ts';
import { toNumber } from './extract.ts';
import { readFileSync } from 'node:fs';

test('every shipped profile validates, and vendor profiles inherit generic sources', () => {
  assert.deepEqual(bundledProfileNames(), [
    'dell',
    'generic',
    'h3c',
    'hpe',
    'huawei',
    'inspur',
    'lenovo',
    'sugon',
    'supermicro',
  ]);
  const byName = new Map(loadBundledProfiles().map((p) => [p.name, p]));
  const generic = byName.get('generic')!;
  assert.deepEqual(byName.get('dell')!.sources, generic.sources);
  assert.deepEqual(byName.get('dell')!.chassis.skip_status, [404, 500]);
  assert.deepEqual(byName.get('hpe')!.sources.fans[2]!.value, ['CurrentReading', 'Reading']);
  assert.equal(byName.get('huawei')!.numeric_strings, 'accept');
});

test('profile: auto picks by Vendor, then by Oem key, else generic', () => {
  const all = loadBundledProfiles();
  assert.equal(detectProfile(all, { Vendor: 'Dell' }).name, 'dell');
  assert.equal(detectProfile(all, { Oem: { Hp: {} } }).name, 'hpe');
  assert.equal(detectProfile(all, { Vendor: 'xFusion' }).name, 'huawei');
  assert.equal(detectProfile(all, { Vendor: 'Contoso' }).name, 'generic');
  assert.equal(detectProfile(all, { Vendor: 'Inspur' }).name, 'inspur');
  assert.equal(detectProfile(all, { Vendor: 'H3C' }).name, 'h3c');
  assert.equal(detectProfile(all, { Vendor: 'Sugon' }).name, 'sugon');
  assert.equal(detectProfile(all, { Oem: { Lenovo: {} } }).name, 'lenovo');
  assert.equal(detectProfile(all, { Vendor: 'Supermicro' }).name, 'supermicro');
});

const files: Record<string, string> = {
  base: 'name: base\ndescription: d\nmatch: {vendor: [], oem: []}\nnumeric_strings: reject\n',
};
const broken: Array<{ name: string; yaml: string; message: RegExp }> = [
  {
    name: 'missing sections',
    yaml: files['base']!,
    message: /^profile x\.yaml: chassis is required; presence is required; expect is required; sources is required/,
  },
  {
    name: 'a boolean where an enum belongs',
    yaml: 'extends: generic\nname: x\ndescription: d\nnumeric_strings: true\n',
    message: /numeric_strings must be one of "accept", "reject" \(got true\)/,
  },
  {
    name: 'an unknown resource',
    yaml: 'extends: generic\nname: x\ndescription: d\nsources:\n  power_watts: [{resource: Battery, path: [Reading]}]\n',
    message: /sources\.power_watts\.0\.resource must be one of .*\(got "Battery"\)/,
  },
  {
    name: 'a PCI id that YAML reads as a number',
    yaml: 'extends: generic\nname: x\ndescription: d\ninventory:\n  pci_vendor_ids: {Huawei: 19e5}\n',
    message: /inventory\.pci_vendor_ids\.Huawei must be string \(got 1900000\)/,
  },
  { name: 'an extends cycle', yaml: 'extends: x\nname: x\ndescription: d\n', message: /extends cycle x → x/ },
];
for (const c of broken) {
  test(`a profile with ${c.name} is refused, naming the file and field`, () => {
    const read = (n: string): string => (n === 'x' ? c.yaml : n === 'generic' ? loadGenericText() : files[n]!);
    assert.throws(
      () => loadProfile('x', read),
      (e: unknown) => e instanceof Error && c.message.test(e.message),
    );
  });
}

function loadGenericText(): string {
  return readFileSync(new URL('./profiles/generic.yaml', import.meta.url), 'utf8');
}

const numbers: Array<[unknown, 'accept' | 'reject', number | undefined]> = [
  [245, 'reject', 245],
  ['245', 'reject', undefined],
  ['245', 'accept', 245],
  ['245.5 W', 'accept', 245.5],
  [' 31 ', 'accept', 31],
  ['N/A', 'accept', undefined],
  [null, 'accept', undefined],
  [Number.NaN, 'accept', undefined],
];
for (const [v, mode, want] of numbers) {
  test(`toNumber(${JSON.stringify(v)}, ${mode}) is ${want}`, () => assert.equal(toNumber(v, mode), want));
}

test('pciId normalises 0x10DE, 10de and rejects vendor strings', () => {
  assert.equal(pciId('0x10DE'), '10de');
  assert.equal(pciId('19e5'), '19e5');
  assert.equal(pciId('GenuineIntel'), undefined);
  assert.equal(pciId('0x48'), undefined);
});
