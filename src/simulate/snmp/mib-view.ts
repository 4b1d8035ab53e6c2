/** @module What one simulated SNMP device exposes: scalars and integer-indexed tables, as plain data. */

/** The SNMP base types the simulator serves (a subset of SMIv2). */
export type SimValueType = 'Integer' | 'OctetString' | 'OID' | 'Gauge32' | 'Counter32' | 'Counter64' | 'TimeTicks';

/** A value; Counter64 values are bigints (they pass 2^53). */
export type SimValue = number | string | bigint;

/** One scalar instance; `oid` is the object OID without the trailing `.0`. */
export interface SimScalar {
  oid: string;
  type: SimValueType;
  value: SimValue;
}

/** One table, addressed by its entry OID; rows are keyed by a single integer index. */
export interface SimTable {
  /** The table entry OID (e.g. ifEntry 1.3.6.1.2.1.2.2.1), as net-snmp table providers expect. */
  entry: string;
  columns: Array<{ number: number; type: SimValueType }>;
  rows: Array<{ index: number; values: Record<number, SimValue> }>;
}

/** Everything a device answers at one instant. */
export interface MibView {
  scalars: SimScalar[];
  tables: SimTable[];
}
