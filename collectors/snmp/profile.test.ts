/** @module Every shipped profile validates against profile.schema.json; broken profiles are rejected by field. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseProfile, loadProfile } from './profile.ts';
import type { ProfileName } from './types.ts';
import configSchema from './config.schema.json' with { type: 'json' };

describe('SNMP profiles', () => {
  const shipped = readdirSync(join(import.meta.dirname, 'profiles')).map((f) => f.replace(/\.yaml$/, ''));

  it('ships exactly the profiles the config schema offers', () => {
    assert.deepEqual(shipped.sort(), [...configSchema.properties.profiles.oneOf[1]!.items!.enum!].sort());
  });

  for (const name of shipped) {
    it(`${name} is valid and uses numeric OIDs only`, () => {
      const p = loadProfile(name as ProfileName);
      assert.equal(p.name, name);
      for (const s of p.scalars ?? []) assert.match(s.oid, /^1(\.\d+)+$/);
      for (const t of p.tables ?? []) assert.match(t.entry, /^1(\.\d+)+$/);
    });
  }

  it('rejects an unknown signal and a symbolic OID, naming both fields', () => {
    const file = join(import.meta.dirname, 'testdata', 'profiles', 'bad-signal.yaml');
    assert.throws(
      () => parseProfile(readFileSync(file, 'utf8'), file),
      (e: unknown) =>
        e instanceof Error &&
        /scalars\.0\.oid must match pattern .*\(got "upsOutputPower\.1"\)/.test(e.message) &&
        /scalars\.0\.signal must be one of .*\(got "voltage_volts"\)/.test(e.message),
    );
  });

  it('rejects YAML that does not parse', () => {
    assert.throws(() => parseProfile('name: [unclosed', 'inline'), /not valid YAML/);
  });
});
