/** @module Registry validation: errors name the file, the center and the field. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultCatalog } from '../catalog/load.ts';
import { loadRegistry, parseRegistry, RegistryError } from './load.ts';

const catalog = defaultCatalog();
const base = {
  id: 'gz-01',
  name: '贵安一号',
  province: '52',
  type: 'intelligent',
  hub_cluster: 'guian',
  commission_date: '2023-05-01',
  size_class: 'large',
  racks_design: 5000,
  racks_installed: 4000,
  it_rated_kw: 32000,
  grid_capacity_kw: 60000,
};

test('a valid registry loads from YAML and JSON', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-reg-'));
  writeFileSync(path.join(dir, 'r.json'), JSON.stringify({ centers: [base] }));
  writeFileSync(path.join(dir, 'r.yaml'), `centers:\n  - ${JSON.stringify(base)}\n`);
  assert.equal(loadRegistry(path.join(dir, 'r.json'), catalog).byId.get('gz-01')!.province, '52');
  assert.equal(loadRegistry(path.join(dir, 'r.yaml'), catalog).centers.length, 1);
});

const bad: Array<[string, Record<string, unknown>, RegExp]> = [
  ['unknown province', { province: '99' }, /center "gz-01" \(centers\[0\]\) province .*"99"/],
  ['unknown cluster', { hub_cluster: 'atlantis' }, /hub_cluster .*"atlantis"/],
  ['cluster of another province', { hub_cluster: 'shaoguan' }, /shaoguan lies in province 44, not 52/],
  ['bad size class', { size_class: 'giant' }, /size_class must be one of/],
  ['negative racks', { racks_installed: -1 }, /racks_installed must be >= 0 .*-1/],
  ['bad date', { commission_date: '2023-13-01' }, /commission_date must match format "date"/],
  ['unknown field', { colour: 'red' }, /colour is not an allowed field/],
];
for (const [name, change, message] of bad) {
  test(`refused: ${name}`, () => {
    assert.throws(
      () => parseRegistry({ centers: [{ ...base, ...change }] }, catalog, 'fleet.yaml'),
      (err: unknown) => {
        assert.ok(err instanceof RegistryError);
        assert.match(err.message, /fleet\.yaml/);
        assert.match(err.message, message);
        return true;
      },
    );
  });
}

test('duplicate center ids are refused', () => {
  assert.throws(() => parseRegistry({ centers: [base, base] }, catalog, 'fleet.yaml'), /id is used by another center/);
});
