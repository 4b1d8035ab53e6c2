/** @module Fixed simulated Modbus devices for tests: known states so expected samples can be written down. */
import type { ChillerState, CrahState, MeterState, SimDevice } from '../device-state.ts';

/** An IT-feed meter drawing 6 kW; its import counter grows 6 kWh per simulated hour. */
export function fixedMeter(id: string): SimDevice<MeterState> {
  return {
    id,
    kind: 'meter',
    read: (nowMs) => ({
      kind: 'meter',
      phaseVoltage: [230.1, 229.8, 231.2],
      phaseCurrentAmps: [8.7, 8.7, 8.6],
      phasePowerWatts: [2000, 2000, 2000],
      totalPowerWatts: 6000,
      frequencyHz: 50,
      importKwh: 12345.5 + (6 * nowMs) / 3_600_000,
      exportKwh: 0.25,
    }),
  };
}

/** A running chiller with one alarm bit set. */
export function fixedChiller(id: string): SimDevice<ChillerState> {
  return {
    id,
    kind: 'chiller',
    read: () => ({
      kind: 'chiller',
      running: true,
      powerKw: 182.5,
      energyKwh: 1_234_567,
      supplyCelsius: 7.2,
      returnCelsius: 12.4,
      flowM3h: 95.5,
      waterM3: 4321.7,
      alarms: 4,
    }),
  };
}

/** A CRAH blowing sub-zero supply air (to exercise negative INT16). */
export function fixedCrah(id: string): SimDevice<CrahState> {
  return {
    id,
    kind: 'crah',
    read: () => ({
      kind: 'crah',
      running: true,
      powerKw: 4.75,
      energyKwh: 98765.4,
      supplyAirCelsius: -2.5,
      returnAirCelsius: 31.6,
      humidityPercent: 45.5,
      fanPercent: 62.5,
      valvePercent: 40,
      alarms: 0,
    }),
  };
}
