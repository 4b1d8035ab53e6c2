/** @module The README's configuration reference matches the JSON Schemas (drift check). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../catalog/paths.ts';
import { configReferenceCurrent, renderConfigReference, CONFIG_SCHEMAS } from './config-reference.ts';

test('the README configuration reference is what the schemas generate (run npm run gen:docs)', () => {
  assert.ok(configReferenceCurrent(), 'README.md configuration reference is out of date: run `npm run gen:docs`');
});

test('every documented schema exists and each of its top-level options appears in the reference', () => {
  const ref = renderConfigReference();
  for (const c of CONFIG_SCHEMAS) {
    const schema = JSON.parse(readFileSync(path.join(PROJECT_ROOT, c.file), 'utf8')) as {
      properties?: Record<string, unknown>;
    };
    for (const key of Object.keys(schema.properties ?? {}))
      assert.ok(ref.includes(`| \`${key}\` |`), `${c.file}: option ${key} missing from the reference`);
  }
});
