/**
 * @module Request planning: fields → the fewest reads of adjacent registers, each within the device's
 * per-request limit (Modbus allows 125 words; many devices accept fewer — telegraf's
 * max_word_registers_per_request). Only adjacent or overlapping registers are merged: reading a gap can hit
 * an unmapped address and fail the whole request with exception 2.
 */
import { REGISTER_COUNT } from './decode.ts';
import type { FieldSpec, RegisterKind } from './types.ts';

/** One read request and the fields it carries. */
export interface ReadRequest {
  register: RegisterKind;
  address: number;
  count: number;
  fields: FieldSpec[];
}

/** Plans reads for `fields`; throws when a single field does not fit `maxRegisters` or runs past 65535. */
export function planRequests(fields: readonly FieldSpec[], maxRegisters: number): ReadRequest[] {
  const requests: ReadRequest[] = [];
  for (const register of ['holding', 'input'] as const) {
    const sorted = fields.filter((f) => f.register === register).sort((a, b) => a.address - b.address);
    let current: ReadRequest | undefined;
    for (const f of sorted) {
      const size = REGISTER_COUNT[f.type];
      if (size > maxRegisters)
        throw new Error(
          `field ${f.name}: ${f.type} needs ${size} registers but max_registers_per_request is ${maxRegisters}`,
        );
      if (f.address + size > 0x10000)
        throw new Error(`field ${f.name}: ${f.type} at address ${f.address} runs past register 65535`);
      const end = f.address + size;
      if (
        current &&
        f.address <= current.address + current.count &&
        Math.max(end, current.address + current.count) - current.address <= maxRegisters
      ) {
        current.count = Math.max(end, current.address + current.count) - current.address;
        current.fields.push(f);
      } else {
        current = { register, address: f.address, count: size, fields: [f] };
        requests.push(current);
      }
    }
  }
  return requests;
}
