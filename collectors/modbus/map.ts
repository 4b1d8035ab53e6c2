/** @module Turns the registers of a completed read into samples: decode, scale, offset, states. */
import type { Sample } from '../types.ts';
import { decodeRegisters, REGISTER_COUNT } from './decode.ts';
import type { ReadRequest } from './plan.ts';

/** Removes binary floating-point noise (2345 × 0.1) while keeping the meaningful digits of a FLOAT32. */
function tidy(v: number): number {
  return Number.parseFloat(v.toPrecision(12));
}

/** Samples for the fields of `request`, given the registers it returned. Fields without a signal are skipped. */
export function mapRequest(request: ReadRequest, registers: readonly number[]): Sample[] {
  const samples: Sample[] = [];
  for (const f of request.fields) {
    if (!f.signal) continue;
    const start = f.address - request.address;
    const raw = decodeRegisters(registers.slice(start, start + REGISTER_COUNT[f.type]), f.type, f.byte_order ?? 'ABCD');
    // A FLOAT32 is exact to ~7 digits; rounding there drops artefacts such as 230.10000610351562.
    const base = f.type === 'FLOAT32' ? Number.parseFloat(raw.toPrecision(7)) : raw;
    const sample: Sample = { signal: f.signal, value: tidy(base * (f.scale ?? 1) + (f.offset ?? 0)) };
    if (f.device) sample.device = f.device;
    const labels: Record<string, string> = { ...f.labels };
    if (f.states) labels.state = f.states[String(raw)] ?? f.states_default ?? 'unknown';
    if (Object.keys(labels).length > 0) sample.labels = labels;
    samples.push(sample);
  }
  return samples;
}
