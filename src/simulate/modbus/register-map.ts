/**
 * @module The register images simulated Modbus devices answer with, written from the device documentation
 * (SDM630 register list, the dims chiller/CRAH reference maps) independently of the collector's profiles.
 */
import type { ChillerState, CrahState, MeterState } from '../device-state.ts';
import { encodeRegisters, type ByteOrder, type RegisterType } from '../../../collectors/modbus/decode.ts';

/** A device's registers at one instant, and the address ranges it implements. */
export interface RegisterImage {
  input: Map<number, number>;
  holding: Map<number, number>;
  /** Highest implemented address + 1 per table; reads beyond answer exception 2 (illegal data address). */
  inputSize: number;
  holdingSize: number;
}

function put(
  map: Map<number, number>,
  address: number,
  value: number,
  type: RegisterType,
  order: ByteOrder = 'ABCD',
): void {
  encodeRegisters(value, type, order).forEach((word, i) => map.set(address + i, word));
}

/** SDM630: input registers, FLOAT32 big-endian; unlisted registers in 0x0000–0x0155 read as 0 like the real meter's reserved words. */
export function meterImage(s: MeterState): RegisterImage {
  const input = new Map<number, number>();
  s.phaseVoltage.forEach((v, i) => put(input, 0x00 + 2 * i, v, 'FLOAT32'));
  s.phaseCurrentAmps.forEach((v, i) => put(input, 0x06 + 2 * i, v, 'FLOAT32'));
  s.phasePowerWatts.forEach((v, i) => put(input, 0x0c + 2 * i, v, 'FLOAT32'));
  put(input, 0x34, s.totalPowerWatts, 'FLOAT32');
  put(input, 0x46, s.frequencyHz, 'FLOAT32');
  put(input, 0x48, s.importKwh, 'FLOAT32');
  put(input, 0x4a, s.exportKwh, 'FLOAT32');
  put(input, 0x156, s.importKwh + s.exportKwh, 'FLOAT32');
  return { input, holding: new Map(), inputSize: 0x158, holdingSize: 0 };
}

/** Chiller reference map (holding registers 0–11). */
export function chillerImage(s: ChillerState): RegisterImage {
  const h = new Map<number, number>();
  put(h, 0, s.running ? 1 : 0, 'UINT16');
  put(h, 1, s.alarms, 'UINT16');
  put(h, 2, s.powerKw, 'FLOAT32', 'ABCD');
  put(h, 4, Math.floor(s.energyKwh), 'UINT32', 'CDAB');
  put(h, 6, s.supplyCelsius * 10, 'INT16');
  put(h, 7, s.returnCelsius * 10, 'INT16');
  put(h, 8, s.flowM3h * 10, 'UINT16');
  put(h, 9, 0, 'UINT16');
  put(h, 10, Math.floor(s.waterM3 * 10), 'UINT32');
  return { input: new Map(), holding: h, inputSize: 0, holdingSize: 12 };
}

/** CRAH reference map (holding registers 0–11). */
export function crahImage(s: CrahState): RegisterImage {
  const h = new Map<number, number>();
  put(h, 0, s.running ? 1 : 0, 'UINT16');
  put(h, 1, s.alarms, 'UINT16');
  put(h, 2, s.supplyAirCelsius * 10, 'INT16');
  put(h, 3, s.returnAirCelsius * 10, 'INT16');
  put(h, 4, s.humidityPercent * 10, 'UINT16');
  put(h, 5, s.fanPercent * 10, 'UINT16');
  put(h, 6, s.valvePercent * 10, 'UINT16');
  put(h, 7, 0, 'UINT16');
  put(h, 8, s.powerKw, 'FLOAT32', 'CDAB');
  put(h, 10, Math.floor(s.energyKwh * 10), 'UINT32');
  return { input: new Map(), holding: h, inputSize: 0, holdingSize: 12 };
}
