/** Tests of the agent's compile cache: the environment it is started with, and the cache a started agent fills. */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { withCompileCache } from './compile-cache.ts';

test('the agent is started with Node’s compile cache unless the operator chose otherwise', () => {
  assert.equal(withCompileCache({ PATH: '/bin' }).NODE_COMPILE_CACHE, path.join(tmpdir(), 'node-compile-cache'));
  assert.equal(withCompileCache({ PATH: '/bin' }).PATH, '/bin');
  assert.equal(withCompileCache({ NODE_COMPILE_CACHE: '/var/cache/dims' }).NODE_COMPILE_CACHE, '/var/cache/dims');
  assert.equal(withCompileCache({ NODE_DISABLE_COMPILE_CACHE: '1' }).NODE_COMPILE_CACHE, undefined);
});
