/** @module BACnet engineering units → the unit each dims signal is fixed in. */
import type { Signal } from '../types.ts';
import type { PointUnits } from './types.ts';

/** BACnet EngineeringUnits codes (ASHRAE 135 clause 21) the collector understands. */
export const BACNET_UNITS: Readonly<Record<number, PointUnits>> = {
  47: 'W',
  48: 'kW',
  49: 'MW',
  18: 'Wh',
  19: 'kWh',
  146: 'MWh',
  62: 'degC',
  64: 'degF',
  80: 'm3',
  82: 'L',
  98: 'percent',
  29: 'percent',
  95: 'none',
};

type Convert = (v: number) => number;

const CONVERSIONS: Readonly<Partial<Record<Signal, Partial<Record<PointUnits, Convert>>>>> = {
  power_watts: { W: (v) => v, kW: (v) => v * 1e3, MW: (v) => v * 1e6 },
  energy_kwh: { Wh: (v) => v / 1e3, kWh: (v) => v, MWh: (v) => v * 1e3 },
  temperature_celsius: { degC: (v) => v, degF: (v) => ((v - 32) * 5) / 9 },
  humidity_percent: { percent: (v) => v },
  water_m3: { m3: (v) => v, L: (v) => v / 1e3 },
  fan_percent: { percent: (v) => v },
};

/**
 * The conversion of a value in `units` to `signal`'s unit, or why there is none. `status` and points
 * without a signal take any unit unchanged.
 */
export function conversion(signal: Signal | undefined, units: PointUnits): Convert | string {
  if (signal === undefined || signal === 'status') return (v) => v;
  const table = CONVERSIONS[signal] ?? {};
  const convert = table[units];
  if (convert) return convert;
  return `units ${units} cannot be read as ${signal} (accepts ${Object.keys(table).join(', ')})`;
}
