/**
 * @module Register decoding: Modbus registers (16-bit words) to numbers for every type × byte/word order.
 *
 * Orders name where the canonical big-endian bytes A B C D (… H) sit on the wire, as Telegraf does:
 * ABCD big-endian, DCBA fully reversed, BADC bytes swapped inside each word, CDAB words reversed.
 * 16-bit types only distinguish AB (ABCD, CDAB) from BA (DCBA, BADC); 64-bit types extend the pattern
 * (CDAB → GHEFCDAB).
 */

/** Register value types. */
export type RegisterType = 'INT16' | 'UINT16' | 'INT32' | 'UINT32' | 'INT64' | 'UINT64' | 'FLOAT32' | 'FLOAT64';

/** Byte/word orders. */
export type ByteOrder = 'ABCD' | 'DCBA' | 'BADC' | 'CDAB';

/** How many registers a type occupies. */
export const REGISTER_COUNT: Record<RegisterType, number> = {
  INT16: 1,
  UINT16: 1,
  INT32: 2,
  UINT32: 2,
  INT64: 4,
  UINT64: 4,
  FLOAT32: 2,
  FLOAT64: 4,
};

/** Rearranges bytes between wire order and canonical big-endian; the permutation is its own inverse. */
function reorder(bytes: Uint8Array, order: ByteOrder): Uint8Array {
  const out = new Uint8Array(bytes.length);
  const words = bytes.length / 2;
  for (let w = 0; w < words; w++) {
    const hi = bytes[2 * w]!;
    const lo = bytes[2 * w + 1]!;
    switch (order) {
      case 'ABCD':
        out[2 * w] = hi;
        out[2 * w + 1] = lo;
        break;
      case 'BADC':
        out[2 * w] = lo;
        out[2 * w + 1] = hi;
        break;
      case 'CDAB':
        out[2 * (words - 1 - w)] = hi;
        out[2 * (words - 1 - w) + 1] = lo;
        break;
      case 'DCBA':
        out[bytes.length - 1 - 2 * w] = hi;
        out[bytes.length - 2 - 2 * w] = lo;
        break;
    }
  }
  return out;
}

/** Decodes `registers` (exactly REGISTER_COUNT[type] words, 0..65535) to a number. 64-bit integers beyond 2^53 lose precision. */
export function decodeRegisters(registers: readonly number[], type: RegisterType, order: ByteOrder = 'ABCD'): number {
  const n = REGISTER_COUNT[type];
  if (registers.length !== n) throw new RangeError(`${type} needs ${n} registers, got ${registers.length}`);
  const wire = new Uint8Array(n * 2);
  registers.forEach((r, i) => {
    if (!Number.isInteger(r) || r < 0 || r > 0xffff) throw new RangeError(`register ${i} = ${r} is not a 16-bit word`);
    wire[2 * i] = r >> 8;
    wire[2 * i + 1] = r & 0xff;
  });
  const view = new DataView(reorder(wire, order).buffer);
  switch (type) {
    case 'INT16':
      return view.getInt16(0);
    case 'UINT16':
      return view.getUint16(0);
    case 'INT32':
      return view.getInt32(0);
    case 'UINT32':
      return view.getUint32(0);
    case 'INT64':
      return Number(view.getBigInt64(0));
    case 'UINT64':
      return Number(view.getBigUint64(0));
    case 'FLOAT32':
      return view.getFloat32(0);
    case 'FLOAT64':
      return view.getFloat64(0);
  }
}

/** Encodes `value` into registers (the inverse of decodeRegisters); integers are rounded. Used by the simulator. */
export function encodeRegisters(value: number, type: RegisterType, order: ByteOrder = 'ABCD'): number[] {
  const n = REGISTER_COUNT[type];
  const canonical = new Uint8Array(n * 2);
  const view = new DataView(canonical.buffer);
  const int = Math.round(value);
  switch (type) {
    case 'INT16':
      view.setInt16(0, int);
      break;
    case 'UINT16':
      view.setUint16(0, int);
      break;
    case 'INT32':
      view.setInt32(0, int);
      break;
    case 'UINT32':
      view.setUint32(0, int);
      break;
    case 'INT64':
      view.setBigInt64(0, BigInt(int));
      break;
    case 'UINT64':
      view.setBigUint64(0, BigInt(int));
      break;
    case 'FLOAT32':
      view.setFloat32(0, value);
      break;
    case 'FLOAT64':
      view.setFloat64(0, value);
      break;
  }
  const wire = reorder(canonical, order);
  return Array.from({ length: n }, (_, i) => (wire[2 * i]! << 8) | wire[2 * i + 1]!);
}
