/**
 * @module The register images simulated Modbus devices answer with, written from the device documentation
 * (SDM630, CHINT DTSU666, Schneider iEM3000 and PM5000, Janitza B-series and UMG, Acrel ADW300 register lists, the dims
 * chiller/CRAH reference maps) independently of the collector's profiles.
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

/** A meter's registers in its model's published map (SDM630 unless the state names another model). */
export function meterImage(s: MeterState): RegisterImage {
  switch (s.model ?? 'sdm630') {
    case 'sdm630':
      return sdm630Image(s);
    case 'dtsu666':
      return dtsu666Image(s);
    case 'iem3000':
      return iem3000Image(s);
    case 'pm5000':
      return pm5000Image(s);
    case 'janitza-b':
      return janitzaBImage(s);
    case 'janitza-umg':
      return janitzaUmgImage(s);
    case 'acrel-adw300':
      return acrelAdw300Image(s);
  }
}

/** CHINT DTSU666 manual: holding FLOAT32; voltages 0.1 V, currents mA, powers 0.1 W, energies kWh. */
function dtsu666Image(s: MeterState): RegisterImage {
  const h = new Map<number, number>();
  s.phaseVoltage.forEach((v, i) => put(h, 0x2000 + 2 * i, v * 10, 'FLOAT32'));
  s.phaseCurrentAmps.forEach((v, i) => put(h, 0x200c + 2 * i, v * 1000, 'FLOAT32'));
  put(h, 0x2012, s.totalPowerWatts * 10, 'FLOAT32');
  s.phasePowerWatts.forEach((v, i) => put(h, 0x2014 + 2 * i, v * 10, 'FLOAT32'));
  put(h, 0x2044, s.frequencyHz * 100, 'FLOAT32');
  put(h, 0x101e, s.importKwh, 'FLOAT32');
  put(h, 0x1028, s.exportKwh, 'FLOAT32');
  return { input: new Map(), holding: h, inputSize: 0, holdingSize: 0x2046 };
}

/** Schneider iEM3000 user guide DOCA0005: holding FLOAT32; powers kW, energies kWh. */
function iem3000Image(s: MeterState): RegisterImage {
  const h = new Map<number, number>();
  s.phaseVoltage.forEach((v, i) => put(h, 0x5002 + 2 * i, v, 'FLOAT32'));
  put(h, 0x5008, s.frequencyHz, 'FLOAT32');
  s.phaseCurrentAmps.forEach((v, i) => put(h, 0x500c + 2 * i, v, 'FLOAT32'));
  put(h, 0x5012, s.totalPowerWatts / 1000, 'FLOAT32');
  s.phasePowerWatts.forEach((v, i) => put(h, 0x5014 + 2 * i, v / 1000, 'FLOAT32'));
  put(h, 0x600c, s.importKwh, 'FLOAT32');
  put(h, 0x6018, s.exportKwh, 'FLOAT32');
  return { input: new Map(), holding: h, inputSize: 0, holdingSize: 0x6048 };
}

/**
 * Schneider PowerLogic PM5000 register list (1-based register numbers, so address = register − 1): holding
 * FLOAT32 V/A/kW/Hz from 3000, INT64 Wh energy accumulators at 3204 (delivered) and 3208 (received).
 */
function pm5000Image(s: MeterState): RegisterImage {
  const h = new Map<number, number>();
  s.phaseCurrentAmps.forEach((v, i) => put(h, 2999 + 2 * i, v, 'FLOAT32'));
  s.phaseVoltage.forEach((v, i) => put(h, 3027 + 2 * i, v, 'FLOAT32'));
  s.phasePowerWatts.forEach((v, i) => put(h, 3053 + 2 * i, v / 1000, 'FLOAT32'));
  put(h, 3059, s.totalPowerWatts / 1000, 'FLOAT32');
  put(h, 3109, s.frequencyHz, 'FLOAT32');
  put(h, 3203, Math.round(s.importKwh * 1000), 'INT64');
  put(h, 3207, Math.round(s.exportKwh * 1000), 'INT64');
  return { input: new Map(), holding: h, inputSize: 0, holdingSize: 3212 };
}

/** Janitza UMG address list, frequently used values: holding FLOAT32 from 19000; powers W, energies Wh. */
function janitzaUmgImage(s: MeterState): RegisterImage {
  const h = new Map<number, number>();
  s.phaseVoltage.forEach((v, i) => put(h, 19000 + 2 * i, v, 'FLOAT32'));
  s.phaseCurrentAmps.forEach((v, i) => put(h, 19012 + 2 * i, v, 'FLOAT32'));
  s.phasePowerWatts.forEach((v, i) => put(h, 19020 + 2 * i, v, 'FLOAT32'));
  put(h, 19026, s.totalPowerWatts, 'FLOAT32');
  put(h, 19050, s.frequencyHz, 'FLOAT32');
  put(h, 19068, s.importKwh * 1000, 'FLOAT32');
  put(h, 19076, s.exportKwh * 1000, 'FLOAT32');
  return { input: new Map(), holding: h, inputSize: 0, holdingSize: 19122 };
}

/** Janitza B-series manual: holding FLOAT32; phase powers W (no total), energies kWh. */
function janitzaBImage(s: MeterState): RegisterImage {
  const h = new Map<number, number>();
  s.phaseVoltage.forEach((v, i) => put(h, 0x4a38 + 2 * i, v, 'FLOAT32'));
  s.phaseCurrentAmps.forEach((v, i) => put(h, 0x4a44 + 2 * i, v, 'FLOAT32'));
  s.phasePowerWatts.forEach((v, i) => put(h, 0x4a4c + 2 * i, v, 'FLOAT32'));
  put(h, 0x4a7c, s.importKwh, 'FLOAT32');
  put(h, 0x4a84, s.exportKwh, 'FLOAT32');
  return { input: new Map(), holding: h, inputSize: 0, holdingSize: 0x4a86 };
}

/** Acrel ADW300 manual: holding; voltages UINT16 0.1 V, currents UINT16 0.01 A, powers INT32 W, energies INT32 0.01 kWh. */
function acrelAdw300Image(s: MeterState): RegisterImage {
  const h = new Map<number, number>();
  s.phaseVoltage.forEach((v, i) => put(h, 20 + i, Math.round(v * 10), 'UINT16'));
  s.phaseCurrentAmps.forEach((v, i) => put(h, 26 + i, Math.round(v * 100), 'UINT16'));
  s.phasePowerWatts.forEach((v, i) => put(h, 30 + 2 * i, Math.round(v), 'INT32'));
  put(h, 36, Math.round(s.totalPowerWatts), 'INT32');
  put(h, 62, Math.round(s.importKwh * 100), 'INT32');
  put(h, 64, Math.round(s.exportKwh * 100), 'INT32');
  return { input: new Map(), holding: h, inputSize: 0, holdingSize: 66 };
}

/** SDM630: input registers, FLOAT32 big-endian; unlisted registers in 0x0000–0x0155 read as 0 like the real meter's reserved words. */
function sdm630Image(s: MeterState): RegisterImage {
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
