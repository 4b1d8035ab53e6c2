/** @module Fixed simulated devices for the SNMP tests: known states so expected samples can be written down. */
import type { PduState, SimDevice, UpsState } from '../device-state.ts';

/** A two-output-line UPS on mains; energy grows 1 kWh per simulated hour. */
export function fixedUps(id: string): SimDevice<UpsState> {
  return {
    id,
    kind: 'ups',
    read: (nowMs) => ({
      kind: 'ups',
      inputLines: [{ voltage: 230, currentAmps: 14.2, powerWatts: 3150, frequencyHz: 50 }],
      outputLines: [
        { voltage: 230, currentAmps: 9.1, powerWatts: 2100, percentLoad: 35 },
        { voltage: 229, currentAmps: 4.0, powerWatts: 900, percentLoad: 15 },
      ],
      batteryStatus: 'normal',
      secondsOnBattery: 0,
      minutesRemaining: 42,
      chargePercent: 100,
      outputEnergyKwh: 1234.5 + nowMs / 3_600_000,
    }),
  };
}

/** An APC PDU with three outlets (one off) and an inlet probe. */
export function fixedPdu(id: string): SimDevice<PduState> {
  return {
    id,
    kind: 'pdu',
    read: () => ({
      kind: 'pdu',
      powerWatts: 4230,
      energyKwh: 8765.4,
      inletCelsius: 24.3,
      outlets: [
        { name: 'srv-01', powerWatts: 2100, energyKwh: 4000.1, on: true },
        { name: 'srv-02', powerWatts: 2130, energyKwh: 4765.3, on: true },
        { name: 'spare', powerWatts: 0, energyKwh: 0, on: false },
      ],
    }),
  };
}
