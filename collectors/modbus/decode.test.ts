/** @module Decoding every register type in every byte/word order, against literal wire words. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRegisters, encodeRegisters, type ByteOrder, type RegisterType } from './decode.ts';

// Canonical big-endian bytes per case; the wire words per order are derived by hand below.
interface Case {
  name: string;
  type: RegisterType;
  value: number;
  wire: Record<ByteOrder, number[]>;
}

const cases: Case[] = [
  {
    name: 'INT16 -2 (0xFFFE)',
    type: 'INT16',
    value: -2,
    wire: { ABCD: [0xfffe], CDAB: [0xfffe], BADC: [0xfeff], DCBA: [0xfeff] },
  },
  {
    name: 'INT16 -25 (supply air -2.5 °C ×10)',
    type: 'INT16',
    value: -25,
    wire: { ABCD: [0xffe7], CDAB: [0xffe7], BADC: [0xe7ff], DCBA: [0xe7ff] },
  },
  {
    name: 'UINT16 0x1234',
    type: 'UINT16',
    value: 0x1234,
    wire: { ABCD: [0x1234], CDAB: [0x1234], BADC: [0x3412], DCBA: [0x3412] },
  },
  {
    name: 'INT32 -123456 (0xFFFE1DC0)',
    type: 'INT32',
    value: -123456,
    wire: { ABCD: [0xfffe, 0x1dc0], CDAB: [0x1dc0, 0xfffe], BADC: [0xfeff, 0xc01d], DCBA: [0xc01d, 0xfeff] },
  },
  {
    name: 'UINT32 0x12345678',
    type: 'UINT32',
    value: 0x12345678,
    wire: { ABCD: [0x1234, 0x5678], CDAB: [0x5678, 0x1234], BADC: [0x3412, 0x7856], DCBA: [0x7856, 0x3412] },
  },
  {
    name: 'FLOAT32 230.5 (0x43668000)',
    type: 'FLOAT32',
    value: 230.5,
    wire: { ABCD: [0x4366, 0x8000], CDAB: [0x8000, 0x4366], BADC: [0x6643, 0x0080], DCBA: [0x0080, 0x6643] },
  },
  {
    // Below 2^53 so the number is exact.
    name: 'UINT64 0x0001020304050607',
    type: 'UINT64',
    value: 0x0001020304050607,
    wire: {
      ABCD: [0x0001, 0x0203, 0x0405, 0x0607],
      CDAB: [0x0607, 0x0405, 0x0203, 0x0001],
      BADC: [0x0100, 0x0302, 0x0504, 0x0706],
      DCBA: [0x0706, 0x0504, 0x0302, 0x0100],
    },
  },
  {
    name: 'INT64 -2 (0xFFFF…FFFE)',
    type: 'INT64',
    value: -2,
    wire: {
      ABCD: [0xffff, 0xffff, 0xffff, 0xfffe],
      CDAB: [0xfffe, 0xffff, 0xffff, 0xffff],
      BADC: [0xffff, 0xffff, 0xffff, 0xfeff],
      DCBA: [0xfeff, 0xffff, 0xffff, 0xffff],
    },
  },
  {
    name: 'FLOAT64 -1.5 (0xBFF8000000000000)',
    type: 'FLOAT64',
    value: -1.5,
    wire: { ABCD: [0xbff8, 0, 0, 0], CDAB: [0, 0, 0, 0xbff8], BADC: [0xf8bf, 0, 0, 0], DCBA: [0, 0, 0, 0xf8bf] },
  },
];

describe('decodeRegisters', () => {
  for (const c of cases) {
    for (const order of ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const) {
      it(`decodes ${c.name} in ${order}`, () => {
        assert.equal(decodeRegisters(c.wire[order], c.type, order), c.value);
      });
      it(`encodes ${c.name} in ${order} to the same wire words`, () => {
        assert.deepEqual(encodeRegisters(c.value, c.type, order), c.wire[order]);
      });
    }
  }

  it('decodes the SDM630 total power float as mbpoll shows it (big-endian)', () => {
    assert.equal(decodeRegisters([0x45bb, 0x8000], 'FLOAT32', 'ABCD'), 6000);
  });

  it('refuses the wrong number of registers and non-16-bit words', () => {
    assert.throws(() => decodeRegisters([1], 'FLOAT32'), /FLOAT32 needs 2 registers, got 1/);
    assert.throws(() => decodeRegisters([0x10000], 'UINT16'), /not a 16-bit word/);
  });

  it('round-trips UINT32 counters across the 16-bit word boundary', () => {
    for (const v of [0, 65535, 65536, 4_294_967_295])
      assert.equal(decodeRegisters(encodeRegisters(v, 'UINT32', 'CDAB'), 'UINT32', 'CDAB'), v);
  });
});
