/** Tests of the environment that limits the agent's malloc arenas. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MALLOC_ARENAS, withMallocArenas } from './malloc-arenas.ts';

test('the agent is started with a bounded number of malloc arenas unless the operator chose otherwise', () => {
  assert.equal(withMallocArenas({ PATH: '/bin' }).MALLOC_ARENA_MAX, String(MALLOC_ARENAS));
  assert.equal(withMallocArenas({ PATH: '/bin' }).PATH, '/bin');
  assert.equal(withMallocArenas({ MALLOC_ARENA_MAX: '4' }).MALLOC_ARENA_MAX, '4');
});
