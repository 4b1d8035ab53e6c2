/** @module The MIB-II system group (RFC 3418) every simulated device answers, so generic tools can identify it. */
import type { SimScalar } from './mib-view.ts';

/** sysDescr, sysObjectID, sysUpTime and sysName for one device. */
export function systemGroup(id: string, descr: string, sysObjectId: string, uptimeMs: number): SimScalar[] {
  return [
    { oid: '1.3.6.1.2.1.1.1', type: 'OctetString', value: descr },
    { oid: '1.3.6.1.2.1.1.2', type: 'OID', value: sysObjectId },
    // TimeTicks are hundredths of a second and wrap at 2^32 (RFC 2578 §7.1.8).
    { oid: '1.3.6.1.2.1.1.3', type: 'TimeTicks', value: Math.floor(uptimeMs / 10) % 2 ** 32 },
    { oid: '1.3.6.1.2.1.1.5', type: 'OctetString', value: id },
  ];
}
