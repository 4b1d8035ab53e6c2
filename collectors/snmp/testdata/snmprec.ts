/** @module Reads snmpsim's `.snmprec` dumps (OID|TAG|VALUE per line) and serves them as an in-memory SnmpSession. */
import snmp from 'net-snmp';
import type { Varbind } from 'net-snmp';
import type { SnmpSession } from '../session.ts';

/** One record; tags follow snmpsim (2 Integer, 4 OctetString, 6 OID, 65 Counter32, 66 Gauge32, 67 TimeTicks, 70 Counter64). */
export interface SnmprecRecord {
  oid: string;
  type: number;
  value: number | string | Buffer;
}

function compareOids(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Parses a dump; `#` lines and blank lines are ignored. */
export function parseSnmprec(text: string): SnmprecRecord[] {
  const records: SnmprecRecord[] = [];
  for (const [n, line] of text.split('\n').entries()) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [oid, tag, ...rest] = line.split('|');
    const raw = rest.join('|');
    if (!oid || !tag) throw new Error(`snmprec line ${n + 1}: expected OID|TAG|VALUE`);
    const type = Number(tag);
    let value: SnmprecRecord['value'];
    if (type === 4 || type === 6) value = raw;
    else if (type === 70) {
      // Counter64 arrives from net-snmp as a big-endian Buffer; reproduce that.
      const b = Buffer.alloc(8);
      b.writeBigUInt64BE(BigInt(raw));
      value = b;
    } else value = Number(raw);
    records.push({ oid: oid.replace(/^\./, ''), type, value });
  }
  return records.sort((a, b) => compareOids(a.oid, b.oid));
}

/** An SnmpSession over records; `truncateTo` limits successors per column like an agent near its size limit. */
export function snmprecSession(records: SnmprecRecord[], truncateTo = Infinity): SnmpSession & { requests: number } {
  const byOid = new Map(records.map((r) => [r.oid, r]));
  const session = {
    target: 'snmprec',
    requests: 0,
    async get(oids: string[]): Promise<Varbind[]> {
      session.requests++;
      return oids.map((oid) => {
        const r = byOid.get(oid);
        return (
          r ? { oid, type: r.type, value: r.value } : { oid, type: snmp.ObjectType.NoSuchObject, value: null }
        ) as Varbind;
      });
    },
    async getBulk(oids: string[], maxRepetitions: number): Promise<Varbind[][]> {
      session.requests++;
      return oids.map((start) => {
        const after = records
          .filter((r) => compareOids(r.oid, start) > 0)
          .slice(0, Math.min(maxRepetitions, truncateTo));
        const out = after.map((r) => ({ oid: r.oid, type: r.type, value: r.value }) as Varbind);
        if (out.length < maxRepetitions && out.length < truncateTo)
          out.push({ oid: start, type: snmp.ObjectType.EndOfMibView, value: null } as Varbind);
        return out;
      });
    },
    close() {},
  };
  return session;
}
