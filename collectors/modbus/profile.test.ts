/** @module Every shipped Modbus profile validates and plans; a broken profile is rejected by field. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import configSchema from './config.schema.json' with { type: 'json' };
import { planRequests } from './plan.ts';
import { loadProfile, parseProfile } from './profile.ts';
import type { ModbusProfileName } from './types.ts';

describe('Modbus profiles', () => {
  const shipped = readdirSync(join(import.meta.dirname, 'profiles')).map((f) => f.replace(/\.yaml$/, ''));

  it('ships exactly the profiles the config schema offers', () => {
    assert.deepEqual(shipped.sort(), [...configSchema.properties.profile.enum].sort());
  });

  for (const name of shipped) {
    it(`${name} validates, has unique field names and plans within 125 registers`, () => {
      const p = loadProfile(name as ModbusProfileName);
      assert.equal(new Set(p.fields.map((f) => f.name)).size, p.fields.length);
      for (const r of planRequests(p.fields, 125)) assert.ok(r.count <= 125);
    });
  }

  it('rejects an unknown byte order and a negative address, naming both', () => {
    const file = join(import.meta.dirname, 'testdata', 'profiles', 'bad-order.yaml');
    assert.throws(
      () => parseProfile(readFileSync(file, 'utf8'), file),
      (e: unknown) =>
        e instanceof Error &&
        /fields\.0\.address must be >= 0 \(got -2\)/.test(e.message) &&
        /fields\.0\.byte_order must be one of .*\(got "BE"\)/.test(e.message),
    );
  });
});
