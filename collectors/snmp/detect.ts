/** @module profiles: auto — the device's sysObjectID picks its vendor profile, else the standard MIBs it answers. */
import snmp from 'net-snmp';
import type { SnmpSession } from './session.ts';
import type { Profile } from './types.ts';

/** sysObjectID.0 (SNMPv2-MIB): the vendor's registration of the device's model. */
export const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';

/** The profiles picked for a device, and why (for the log and `dims probe`). */
export interface Detection {
  profiles: Profile[];
  reason: string;
}

const below = (oid: string, prefix: string): boolean => oid === prefix || oid.startsWith(`${prefix}.`);

/** Whether the device answers an object at or below `probe` (one GETNEXT). */
async function answers(session: SnmpSession, probe: string, signal: AbortSignal): Promise<boolean> {
  const [row] = await session.getBulk([probe], 1, signal);
  const vb = row?.[0];
  return vb !== undefined && !snmp.isVarbindError(vb) && below(vb.oid, probe);
}

/**
 * Vendor profiles whose sysObjectID prefix matches and whose probe (if any) answers win; without one, the
 * best-ranked standard profile (no sysObjectID, a rank and a probe) whose probe answers. Nothing fitting is an
 * empty list.
 */
export async function detectProfiles(
  session: SnmpSession,
  profiles: readonly Profile[],
  signal: AbortSignal,
): Promise<Detection> {
  const [vb] = await session.get([SYS_OBJECT_ID], signal);
  const sysObjectId = vb !== undefined && !snmp.isVarbindError(vb) ? String(vb.value) : '';
  const fits = async (p: Profile) => p.match?.probe === undefined || (await answers(session, p.match.probe, signal));
  const vendor = profiles.filter((p) => p.match?.sys_object_id?.some((prefix) => below(sysObjectId, prefix)));
  const vendorFits = (await Promise.all(vendor.map(async (p) => ((await fits(p)) ? p : undefined)))).filter(
    (p): p is Profile => p !== undefined,
  );
  const id = sysObjectId === '' ? 'no sysObjectID' : `sysObjectID ${sysObjectId}`;
  if (vendorFits.length > 0)
    return { profiles: vendorFits, reason: `${id} matches ${vendorFits.map((p) => p.name).join(', ')}` };
  // One standard MIB only, the best-ranked that answers: a UPS with UPS-MIB and ENTITY-SENSOR-MIB sensors for
  // the same lines would otherwise be read twice.
  const standard = profiles
    .filter((p) => p.match?.sys_object_id === undefined && p.match?.rank !== undefined && p.match.probe !== undefined)
    .sort((a, b) => a.match!.rank! - b.match!.rank!);
  const found: Profile[] = [];
  for (const p of standard) {
    if (!(await fits(p))) continue;
    found.push(p);
    break;
  }
  const tried = vendor.length > 0 ? ` (${vendor.map((p) => p.name).join(', ')}: probe not answered)` : '';
  return {
    profiles: found,
    reason:
      found.length > 0
        ? `${id} has no vendor profile${tried}; the device answers ${found.map((p) => p.mib).join(', ')}`
        : `${id} has no vendor profile${tried} and answers none of ${standard.map((p) => p.mib).join(', ')}`,
  };
}
