/** @module Request planning: coalescing adjacent registers, honouring the per-request limit, never reading gaps. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planRequests } from './plan.ts';
import { loadProfile } from './profile.ts';
import type { FieldSpec } from './types.ts';

const f = (
  name: string,
  address: number,
  type: FieldSpec['type'] = 'FLOAT32',
  register: FieldSpec['register'] = 'input',
): FieldSpec => ({ name, register, address, type });
const shape = (fields: FieldSpec[], max: number) =>
  planRequests(fields, max).map((r) => [r.register, r.address, r.count, r.fields.map((x) => x.name)]);

describe('planRequests', () => {
  it('merges adjacent registers into one read and keeps gaps as separate reads', () => {
    assert.deepEqual(shape([f('a', 0), f('b', 2), f('c', 4), f('d', 0x34)], 125), [
      ['input', 0, 6, ['a', 'b', 'c']],
      ['input', 0x34, 2, ['d']],
    ]);
  });

  it('splits a run of adjacent registers at max_registers_per_request', () => {
    assert.deepEqual(shape([f('a', 0), f('b', 2), f('c', 4)], 4), [
      ['input', 0, 4, ['a', 'b']],
      ['input', 4, 2, ['c']],
    ]);
  });

  it('reads holding and input registers separately, even at the same address', () => {
    assert.deepEqual(shape([f('h', 0, 'UINT16', 'holding'), f('i', 0, 'UINT16', 'input')], 125), [
      ['holding', 0, 1, ['h']],
      ['input', 0, 1, ['i']],
    ]);
  });

  it('shares registers between overlapping fields (a UINT32 and its low word)', () => {
    assert.deepEqual(shape([f('both', 10, 'UINT32', 'holding'), f('low', 11, 'UINT16', 'holding')], 125), [
      ['holding', 10, 2, ['both', 'low']],
    ]);
  });

  it('plans the SDM630 profile as three reads', () => {
    assert.deepEqual(
      planRequests(loadProfile('sdm630').fields, 125).map((r) => [r.address, r.count]),
      [
        [0x00, 18],
        [0x34, 2],
        [0x46, 6],
      ],
    );
  });

  it('refuses a field larger than the limit and one running past 65535', () => {
    assert.throws(
      () => planRequests([f('x', 0, 'FLOAT64')], 2),
      /field x: FLOAT64 needs 4 registers but max_registers_per_request is 2/,
    );
    assert.throws(
      () => planRequests([f('y', 65535, 'UINT32')], 125),
      /field y: UINT32 at address 65535 runs past register 65535/,
    );
  });
});
