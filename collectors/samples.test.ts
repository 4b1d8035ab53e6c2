/**
 * @module Every option of each protocol's config schema, and of the agent's own, appears in its sample.yaml (set or
 * commented), so a user reading the sample sees them all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Option paths of a schema (a.b for nested objects), including those only in oneOf/anyOf/allOf branches,
 * if/then/else, array items and definitions: an option allowed only for SNMP v3 or one sink type is still one.
 */
export function options(schema: unknown, prefix = ''): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const s = schema as Record<string, unknown>;
  const props = (s['properties'] ?? {}) as Record<string, unknown>;
  const nested = [
    ...['oneOf', 'anyOf', 'allOf'].flatMap((k) => (Array.isArray(s[k]) ? (s[k] as unknown[]) : [])),
    s['then'],
    s['else'],
    s['items'],
    ...['definitions', '$defs'].flatMap((k) => Object.values((s[k] ?? {}) as Record<string, unknown>)),
  ];
  return [
    ...Object.entries(props).flatMap(([name, sub]) => [`${prefix}${name}`, ...options(sub, `${prefix}${name}.`)]),
    ...nested.flatMap((sub) => options(sub, prefix)),
  ];
}

/** The options whose last name appears nowhere in the sample as `name:` (set or in a comment). */
function missingFrom(sample: string, schema: unknown): string[] {
  return [...new Set(options(schema))].filter(
    (o) => !new RegExp(`(^|[\\s{,#])${o.split('.').at(-1)}:`, 'm').test(sample),
  );
}

for (const protocol of readdirSync(import.meta.dirname).filter((d) =>
  existsSync(join(import.meta.dirname, d, 'sample.yaml')),
)) {
  test(`${protocol}/sample.yaml names every option of config.schema.json`, () => {
    const schema = JSON.parse(
      readFileSync(join(import.meta.dirname, protocol, 'config.schema.json'), 'utf8'),
    ) as Record<string, unknown>;
    const sample = readFileSync(join(import.meta.dirname, protocol, 'sample.yaml'), 'utf8');
    const missing = missingFrom(sample, schema);
    assert.deepEqual(missing, [], `${protocol}/sample.yaml lacks ${missing.join(', ')}`);
  });
}

test("the agent's sample.yaml names every option of its config schema", () => {
  const root = join(import.meta.dirname, '..', 'src', 'agent');
  const schema = JSON.parse(readFileSync(join(root, 'config', 'config.schema.json'), 'utf8')) as unknown;
  const missing = missingFrom(readFileSync(join(root, 'sample.yaml'), 'utf8'), schema);
  assert.deepEqual(missing, [], `src/agent/sample.yaml lacks ${missing.join(', ')}`);
});

test('options reach branches, conditionals, items and definitions', () => {
  const schema = {
    properties: { a: { type: 'object', properties: { b: {} } }, list: { items: { properties: { c: {} } } } },
    oneOf: [{ properties: { d: {} } }],
    then: { properties: { e: {} } },
    definitions: { x: { properties: { f: {} } } },
  };
  assert.deepEqual(options(schema).sort(), ['a', 'a.b', 'd', 'e', 'f', 'list', 'list.c']);
  assert.deepEqual(missingFrom('a:\n  # b: 1\nlist: []\n', schema), ['list.c', 'd', 'e', 'f']);
});
