/** @module The read-only center scope: parsed, printed, and allowed only its own center's reports. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canRead, canReadCenter, canReadProvince, formatScope, parseScope, readsAll, type Scope } from './scopes.ts';

function scope(text: string): Scope {
  const s = parseScope(text);
  if ('error' in s) throw new Error(s.error);
  return s;
}

test('center:<id> parses, prints back, and a bad center id is named', () => {
  assert.deepEqual(parseScope('center:gz-01'), { kind: 'center', center: 'gz-01' });
  assert.equal(formatScope(scope('center:gz-01')), 'center:gz-01');
  const bad = parseScope('center:GZ 01');
  assert.ok('error' in bad && /center id must match/.test(bad.error) && bad.error.includes('"GZ 01"'));
  const unknown = parseScope('operator:gz-01');
  assert.ok('error' in unknown && unknown.error.includes('center:<center>'));
});

test('a center token reads its own center and nothing else', () => {
  const c = scope('center:gz-01');
  assert.equal(canReadCenter(c, 'gz-01', '52'), true);
  assert.equal(canReadCenter(c, 'gz-02', '52'), false);
  assert.equal(canRead(c), false);
  assert.equal(readsAll(c), false);
  assert.equal(canReadProvince(c, '52'), false);
});

test("a center's report is readable by its province's readers, not by other provinces or writers", () => {
  assert.equal(canReadCenter(scope('province:52'), 'gz-01', '52'), true);
  assert.equal(canReadCenter(scope('province:44'), 'gz-01', '52'), false);
  assert.equal(canReadCenter(scope('nation'), 'gz-01', '52'), true);
  assert.equal(canReadCenter(scope('admin'), 'gz-01', '52'), true);
  assert.equal(canReadCenter(scope('agent:gz-01'), 'gz-01', '52'), false);
  assert.equal(canReadCenter(scope('nation'), 'ghost', undefined), false);
});
