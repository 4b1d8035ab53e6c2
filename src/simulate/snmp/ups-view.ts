/**
 * @module How a simulated UPS answers: UPS-MIB (RFC 1628) plus ENTITY-MIB names and ENTITY-SENSOR-MIB
 * (RFC 3433) rows, written from the RFCs independently of the collector's profiles so tests cross-check them.
 */
import type { UpsState } from '../device-state.ts';
import type { MibView, SimTable } from './mib-view.ts';
import { systemGroup } from './system-group.ts';

const UPS = '1.3.6.1.2.1.33.1';
const BATTERY_STATUS = { unknown: 1, normal: 2, low: 3, depleted: 4 } as const;

/** UPS-MIB upsOutputSource: normal(3) on mains, battery(5) while discharging. */
function outputSource(s: UpsState): number {
  return s.secondsOnBattery > 0 ? 5 : 3;
}

/** The UPS's ENTITY-MIB/ENTITY-SENSOR-MIB rows: output power in W and kW, output energy as an `other` sensor in kWh. */
function entitySensors(s: UpsState): SimTable[] {
  const totalW = s.outputLines.reduce((sum, l) => sum + l.powerWatts, 0);
  // Each row: [name, type, scale, precision, raw value, units]; value = raw × 10^(3·(scale−9)) / 10^precision.
  const rows: Array<[string, number, number, number, number, string]> = [
    ['UPS Output Power', 6, 9, 0, Math.round(totalW), 'W'],
    ['UPS Output Energy', 1, 9, 1, Math.round(s.outputEnergyKwh * 10), 'kWh'],
    ['UPS Output Power kW', 6, 10, 2, Math.round((totalW / 1000) * 100), 'kW'],
  ];
  return [
    {
      entry: '1.3.6.1.2.1.47.1.1.1.1',
      columns: [{ number: 7, type: 'OctetString' }],
      rows: rows.map((r, i) => ({ index: i + 1, values: { 7: r[0] } })),
    },
    {
      entry: '1.3.6.1.2.1.99.1.1.1',
      columns: [
        { number: 1, type: 'Integer' },
        { number: 2, type: 'Integer' },
        { number: 3, type: 'Integer' },
        { number: 4, type: 'Integer' },
        { number: 5, type: 'Integer' },
        { number: 6, type: 'OctetString' },
      ],
      rows: rows.map((r, i) => ({ index: i + 1, values: { 1: r[1], 2: r[2], 3: r[3], 4: r[4], 5: 1, 6: r[5] } })),
    },
  ];
}

/** Everything a UPS answers for state `s`. */
export function upsView(id: string, s: UpsState, uptimeMs: number): MibView {
  const frequency = s.inputLines[0]?.frequencyHz ?? 50;
  return {
    scalars: [
      ...systemGroup(id, 'dims simulated UPS (UPS-MIB)', '1.3.6.1.2.1.33', uptimeMs),
      // upsIdentManufacturer and upsIdentModel: the identification group every UPS-MIB agent implements.
      { oid: `${UPS}.1.1`, type: 'OctetString', value: 'dims' },
      { oid: `${UPS}.1.2`, type: 'OctetString', value: 'simulated UPS' },
      { oid: `${UPS}.2.1`, type: 'Integer', value: BATTERY_STATUS[s.batteryStatus] },
      { oid: `${UPS}.2.2`, type: 'Integer', value: Math.round(s.secondsOnBattery) },
      { oid: `${UPS}.2.3`, type: 'Integer', value: Math.round(s.minutesRemaining) },
      { oid: `${UPS}.2.4`, type: 'Integer', value: Math.round(s.chargePercent) },
      { oid: `${UPS}.3.2`, type: 'Integer', value: s.inputLines.length },
      { oid: `${UPS}.4.1`, type: 'Integer', value: outputSource(s) },
      { oid: `${UPS}.4.2`, type: 'Integer', value: Math.round(frequency * 10) },
      { oid: `${UPS}.4.3`, type: 'Integer', value: s.outputLines.length },
      { oid: `${UPS}.6.1`, type: 'Gauge32', value: 0 },
    ],
    tables: [
      {
        // upsInputTable: Frequency 0.1 Hz, Voltage V, Current 0.1 A, TruePower W.
        entry: `${UPS}.3.3.1`,
        columns: [2, 3, 4, 5].map((number) => ({ number, type: 'Integer' as const })),
        rows: s.inputLines.map((l, i) => ({
          index: i + 1,
          values: {
            2: Math.round(l.frequencyHz * 10),
            3: Math.round(l.voltage),
            4: Math.round(l.currentAmps * 10),
            5: Math.round(l.powerWatts),
          },
        })),
      },
      {
        // upsOutputTable: Voltage V, Current 0.1 A, Power W, PercentLoad %.
        entry: `${UPS}.4.4.1`,
        columns: [2, 3, 4, 5].map((number) => ({ number, type: 'Integer' as const })),
        rows: s.outputLines.map((l, i) => ({
          index: i + 1,
          values: {
            2: Math.round(l.voltage),
            3: Math.round(l.currentAmps * 10),
            4: Math.round(l.powerWatts),
            5: Math.round(l.percentLoad),
          },
        })),
      },
      ...entitySensors(s),
    ],
  };
}
