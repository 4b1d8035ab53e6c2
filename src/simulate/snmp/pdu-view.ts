/**
 * @module How a simulated APC rack PDU answers: PowerNet-MIB rPDU2 tables (enterprise 318), written from the
 * MIB's documented units independently of the collector's profile so tests cross-check the two.
 */
import type { PduState } from '../device-state.ts';
import type { MibView, SimTable } from './mib-view.ts';
import { systemGroup } from './system-group.ts';

const RPDU2 = '1.3.6.1.4.1.318.1.1.26';

/** The external temperature probe table, present only when the PDU has a probe. */
function probeTable(s: PduState): SimTable[] {
  if (s.inletCelsius === undefined) return [];
  return [
    {
      // rPDU2SensorTempHumidityStatusTable: Index, Name, TempC in tenths of °C. A temperature-only probe
      // (AP9335T) has no humidity column value, so the column is absent as on the real card.
      entry: `${RPDU2}.10.2.2.1`,
      columns: [
        { number: 1, type: 'Integer' },
        { number: 3, type: 'OctetString' },
        { number: 8, type: 'Integer' },
      ],
      rows: [{ index: 1, values: { 1: 1, 3: 'Inlet', 8: Math.round(s.inletCelsius * 10) } }],
    },
  ];
}

/** Everything an rPDU2 answers for state `s` (a single, non-daisy-chained PDU: index 1). */
export function pduView(id: string, s: PduState, uptimeMs: number): MibView {
  return {
    scalars: systemGroup(id, 'dims simulated APC rPDU2', '1.3.6.1.4.1.318.1.3.4.5', uptimeMs),
    tables: [
      {
        // rPDU2DeviceStatusTable: Power in hundredths of kW, Energy in tenths of kWh.
        entry: `${RPDU2}.4.3.1`,
        columns: [
          { number: 1, type: 'Integer' },
          { number: 3, type: 'OctetString' },
          { number: 4, type: 'Integer' },
          { number: 5, type: 'Integer' },
          { number: 9, type: 'Integer' },
        ],
        rows: [
          {
            index: 1,
            values: { 1: 1, 3: id, 4: 2, 5: Math.round(s.powerWatts / 10), 9: Math.round(s.energyKwh * 10) },
          },
        ],
      },
      {
        // rPDU2OutletSwitchedStatusTable: State off(1) / on(2).
        entry: `${RPDU2}.9.2.3.1`,
        columns: [
          { number: 1, type: 'Integer' },
          { number: 3, type: 'OctetString' },
          { number: 5, type: 'Integer' },
        ],
        rows: s.outlets.map((o, i) => ({ index: i + 1, values: { 1: i + 1, 3: o.name, 5: o.on ? 2 : 1 } })),
      },
      {
        // rPDU2OutletMeteredStatusTable: Power in W, Energy in tenths of kWh.
        entry: `${RPDU2}.9.4.3.1`,
        columns: [
          { number: 1, type: 'Integer' },
          { number: 3, type: 'OctetString' },
          { number: 7, type: 'Integer' },
          { number: 11, type: 'Integer' },
        ],
        rows: s.outlets.map((o, i) => ({
          index: i + 1,
          values: { 1: i + 1, 3: o.name, 7: Math.round(o.powerWatts), 11: Math.round(o.energyKwh * 10) },
        })),
      },
      ...probeTable(s),
    ],
  };
}
