/**
 * @module Every option of each protocol's config schema appears in its sample.yaml (set or commented), so a user reading
 * the sample sees them all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** Option paths of a schema: top-level properties and the properties of nested objects (a.b). */
function options(schema: Record<string, unknown>, prefix = ''): string[] {
  const props = (schema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(props).flatMap(([name, sub]) => [
    `${prefix}${name}`,
    ...(sub['type'] === 'object' && sub['properties'] !== undefined ? options(sub, `${prefix}${name}.`) : []),
  ]);
}

for (const protocol of readdirSync(import.meta.dirname).filter((d) =>
  existsSync(join(import.meta.dirname, d, 'sample.yaml')),
)) {
  test(`${protocol}/sample.yaml names every option of config.schema.json`, () => {
    const schema = JSON.parse(
      readFileSync(join(import.meta.dirname, protocol, 'config.schema.json'), 'utf8'),
    ) as Record<string, unknown>;
    const sample = readFileSync(join(import.meta.dirname, protocol, 'sample.yaml'), 'utf8');
    const missing = options(schema).filter((o) => !new RegExp(`(^|[\\s{,#])${o.split('.').at(-1)}:`, 'm').test(sample));
    assert.deepEqual(missing, [], `${protocol}/sample.yaml lacks ${missing.join(', ')}`);
  });
}
