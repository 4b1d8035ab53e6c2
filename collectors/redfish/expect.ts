/** @module Which readings a profile expects that one pass could not get: a partial read, reported with the URLs that failed. */
import type { MissingReading } from '../types.ts';
import type { InventoryRead } from './inventory.ts';
import type { PduRead } from './pdu.ts';
import type { Profile, ServerReading } from './profile.ts';
import type { ServerRead } from './server-signals.ts';
import type { ChassisView, Walk } from './walk.ts';

/** What one pass read, part by part (undefined: not asked for by `include`, or not that kind of service). */
export interface PassResult {
  server?: ServerRead;
  inventory?: InventoryRead;
  pdu?: PduRead;
}

/** Where a server reading is looked for, in the profile's words, for the log. */
function sourcesOf(p: Profile, r: ServerReading): string {
  const s = p.sources;
  const list =
    r === 'power_watts'
      ? [...s.power_watts, ...s.power_supplies]
      : r === 'energy_kwh'
        ? s.energy_kwh
        : r === 'inlet_celsius'
          ? s.inlet_celsius
          : r === 'exhaust_celsius'
            ? s.exhaust_celsius
            : r === 'power_supplies'
              ? s.power_supplies
              : s.fans;
  return [...new Set(list.map((x) => x.resource))].join(', ');
}

/**
 * The profile's expected readings the pass lacks. Each names where it was looked for and every resource
 * of the pass that failed (404, HTML, invalid JSON), so the log shows which URL to look at.
 */
export function missingReadings(
  walk: Walk,
  serverChassis: ChassisView[],
  result: PassResult,
  wanted: { power: boolean; thermal: boolean },
): MissingReading[] {
  const p = walk.profile;
  const failures = walk.problems.map((e) => e.message);
  const why = failures.length > 0 ? `; failed: ${failures.join('; ')}` : '';
  const where =
    serverChassis.length > 0
      ? `chassis ${serverChassis.map((c) => c.id).join(', ')}`
      : 'no chassis of a server type was found';
  const out: MissingReading[] = [];
  for (const r of p.expect.server) {
    if (r === 'processors') {
      if (result.inventory !== undefined && result.inventory.processors === 0)
        out.push({ reading: r, detail: `no installed processor under Systems/{id}/Processors${why}` });
      continue;
    }
    const group = r === 'inlet_celsius' || r === 'exhaust_celsius' || r === 'fans' ? 'thermal' : 'power';
    if (result.server === undefined || !wanted[group] || result.server.got.has(r)) continue;
    out.push({ reading: r, detail: `no value from ${sourcesOf(p, r)} of ${where}${why}` });
  }
  for (const pdu of result.pdu?.pdus ?? []) {
    for (const r of p.expect.pdu) {
      if (!pdu.got.has(r)) out.push({ reading: `pdu ${pdu.id} ${r}`, detail: `not in RackPDUs/${pdu.id}${why}` });
    }
  }
  return out;
}
