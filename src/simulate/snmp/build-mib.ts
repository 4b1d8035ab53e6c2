/** @module Turns a MibView into a net-snmp agent Mib through scalar and table providers. */
import snmp from 'net-snmp';
import type { MibView, SimValue, SimValueType } from './mib-view.ts';

const TYPES: Record<SimValueType, number> = {
  Integer: snmp.ObjectType.Integer,
  OctetString: snmp.ObjectType.OctetString,
  OID: snmp.ObjectType.OID,
  Gauge32: snmp.ObjectType.Gauge32,
  Counter32: snmp.ObjectType.Counter32,
  Counter64: snmp.ObjectType.Counter64,
  TimeTicks: snmp.ObjectType.TimeTicks,
};

/** net-snmp encodes a Counter64 from an 8-byte big-endian buffer. */
function wire(v: SimValue): number | string | Buffer {
  if (typeof v !== 'bigint') return v;
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt.asUintN(64, v));
  return b;
}

/**
 * The row index of every simulated table comes from this provider, which never gets rows.
 * Why: net-snmp serves a table's own index column, and an index column that is `not-accessible` (as in
 * UPS-MIB) makes GETNEXT answer noAccess and breaks walks. A foreign index keeps the index out of the tree.
 */
const INDEX_PROVIDER = 'simRowIndex';

/** A fresh net-snmp Mib holding exactly `view` (read-only). */
export function buildMib(view: MibView): unknown {
  const mib = snmp.createMib();
  mib.registerProvider({
    name: INDEX_PROVIDER,
    type: snmp.MibProviderType.Table,
    oid: '1.3.6.1.4.1.8072.9999.1.1',
    maxAccess: snmp.MaxAccess['not-accessible'],
    tableColumns: [
      { number: 1, name: 'simRowIndex', type: snmp.ObjectType.Integer, maxAccess: snmp.MaxAccess['not-accessible'] },
    ],
    tableIndex: [{ columnName: 'simRowIndex' }],
  });
  for (const s of view.scalars) {
    const name = `s${s.oid}`;
    mib.registerProvider({
      name,
      type: snmp.MibProviderType.Scalar,
      oid: s.oid,
      scalarType: TYPES[s.type],
      maxAccess: snmp.MaxAccess['read-only'],
    });
    mib.setScalarValue(name, wire(s.value));
  }
  for (const t of view.tables) {
    if (t.rows.length === 0) continue;
    const name = `t${t.entry}`;
    mib.registerProvider({
      name,
      type: snmp.MibProviderType.Table,
      oid: t.entry,
      maxAccess: snmp.MaxAccess['not-accessible'],
      tableColumns: t.columns.map((c) => ({
        number: c.number,
        name: `c${c.number}`,
        type: TYPES[c.type],
        maxAccess: snmp.MaxAccess['read-only'],
      })),
      tableIndex: [{ columnName: 'simRowIndex', foreign: INDEX_PROVIDER }],
    });
    for (const row of t.rows) {
      mib.addTableRow(name, [row.index, ...t.columns.map((c) => wire(row.values[c.number]!))]);
    }
  }
  return mib;
}
