/** @module The Modbus plugin's schema is self-contained: the agent compiles it without sibling files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSchema } from '../../src/shared/json-schema.ts';
import { modbusPlugin } from './index.ts';

test('the plugin schema compiles on its own and names a bad field', () => {
  const v = compileSchema(modbusPlugin.configSchema);
  const problems = v.problems({
    host: '127.0.0.1',
    port: 502,
    fields: [{ name: 'x', register: 'input', address: -1, type: 'FLOAT32' }],
  });
  assert.deepEqual(
    problems.map((p) => p.path),
    ['/fields/0/address'],
  );
});
