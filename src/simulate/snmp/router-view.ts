/**
 * @module How a simulated border router answers: IF-MIB (RFC 2863) ifTable and ifXTable with 64-bit octet
 * counters, written from the MIB independently of the collector's profile so tests cross-check the two.
 */
import type { RouterState } from '../device-state.ts';
import type { MibView } from './mib-view.ts';
import { systemGroup } from './system-group.ts';

const IF_ENTRY = '1.3.6.1.2.1.2.2.1';
const IFX_ENTRY = '1.3.6.1.2.1.31.1.1.1';

/** Everything the router answers for state `s`; interfaces are indexed 1.. in the order given. */
export function routerView(id: string, s: RouterState, uptimeMs: number): MibView {
  const rows = s.interfaces.map((itf, i) => ({ itf, index: i + 1 }));
  return {
    scalars: [
      ...systemGroup(id, 'dims simulated border router', '1.3.6.1.4.1.9.1.1639', uptimeMs),
      { oid: '1.3.6.1.2.1.2.1', type: 'Integer', value: rows.length },
    ],
    tables: [
      {
        // ifTable: ifIndex, ifDescr, ifType (6 ethernetCsmacd), ifOperStatus up(1)/down(2), and the 32-bit
        // octet counters, which wrap at 2^32 as on a real interface (why the profile reads ifXTable).
        entry: IF_ENTRY,
        columns: [
          { number: 1, type: 'Integer' },
          { number: 2, type: 'OctetString' },
          { number: 3, type: 'Integer' },
          { number: 8, type: 'Integer' },
          { number: 10, type: 'Counter32' },
          { number: 16, type: 'Counter32' },
        ],
        rows: rows.map(({ itf, index }) => ({
          index,
          values: {
            1: index,
            2: itf.name,
            3: 6,
            8: itf.up ? 1 : 2,
            10: Number(itf.inOctets % 2n ** 32n),
            16: Number(itf.outOctets % 2n ** 32n),
          },
        })),
      },
      {
        // ifXTable: ifName, ifHCInOctets, ifHCOutOctets, ifHighSpeed (Mb/s), ifAlias.
        entry: IFX_ENTRY,
        columns: [
          { number: 1, type: 'OctetString' },
          { number: 6, type: 'Counter64' },
          { number: 10, type: 'Counter64' },
          { number: 15, type: 'Gauge32' },
          { number: 18, type: 'OctetString' },
        ],
        rows: rows.map(({ itf, index }) => ({
          index,
          values: {
            1: itf.name,
            6: itf.inOctets,
            10: itf.outOctets,
            15: itf.speedMbps,
            18: itf.name.startsWith('HundredGigE') ? 'WAN uplink' : '',
          },
        })),
      },
    ],
  };
}
