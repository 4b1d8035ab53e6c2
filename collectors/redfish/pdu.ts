/** @module Rack PDUs under /redfish/v1/PowerEquipment/RackPDUs: total power and energy, inlet temperature, outlets. */
import type { Sample } from '../types.ts';
import type { Json } from './client.ts';
import { firstNumber, firstString, link } from './extract.ts';
import type { PduReading } from './profile.ts';
import type { Walk } from './walk.ts';

/** PDU samples and, per rack PDU, which of the profile's PDU readings it gave. */
export interface PduRead {
  samples: Sample[];
  pdus: Array<{ id: string; got: Set<PduReading> }>;
}

/** Samples of every rack PDU the service exposes; with several PDUs the device names carry the PDU id. */
export async function pduSignals(walk: Walk, root: Json): Promise<PduRead> {
  const pe = await walk.get(link(root, 'PowerEquipment'));
  const pdus = await walk.collection(link(pe, 'RackPDUs'));
  const spec = walk.profile.pdu;
  const num = (o: unknown, paths: string[]): number | undefined => firstNumber(o, paths, walk.profile.numeric_strings);
  const out: Sample[] = [];
  const seen: PduRead['pdus'] = [];
  for (const [i, pdu] of pdus.entries()) {
    const id = firstString(pdu, ['Id']) ?? String(i);
    const got = new Set<PduReading>();
    seen.push({ id, got });
    const dev = (name?: string): Record<string, string> => {
      const d = pdus.length > 1 ? (name === undefined ? id : `${id}/${name}`) : name;
      return d === undefined ? {} : { device: d };
    };
    // PowerDistributionMetrics is one link away; merge it in as "Metrics" for the profile's paths.
    const [metrics, outlets] = await Promise.all([
      walk.get(link(pdu, 'Metrics')),
      walk.collection(link(pdu, 'Outlets')),
    ]);
    const doc = { ...pdu, Metrics: metrics ?? {} };
    const power = num(doc, spec.power_watts);
    if (power !== undefined) {
      out.push({ signal: 'power_watts', value: power, ...dev() });
      got.add('power_watts');
    }
    const energy = num(doc, spec.energy_kwh);
    if (energy !== undefined) {
      out.push({ signal: 'energy_kwh', value: energy, ...dev() });
      got.add('energy_kwh');
    }
    const inlet = num(doc, spec.inlet_celsius);
    if (inlet !== undefined) {
      out.push({ signal: 'temperature_celsius', value: inlet, labels: { location: 'inlet' }, ...dev() });
      got.add('inlet_celsius');
    }
    if (outlets.length > 0) got.add('outlets');
    for (const [j, o] of outlets.entries()) {
      const name = firstString(o, spec.outlet.name) ?? String(j);
      const p = num(o, spec.outlet.power_watts);
      if (p !== undefined) out.push({ signal: 'power_watts', value: p, ...dev(name), labels: { component: 'outlet' } });
      const e = num(o, spec.outlet.energy_kwh);
      if (e !== undefined) out.push({ signal: 'energy_kwh', value: e, ...dev(name), labels: { component: 'outlet' } });
      const state = firstString(o, spec.outlet.state);
      if (state !== undefined)
        out.push({
          signal: 'status',
          value: state === 'On' ? 1 : 0,
          ...dev(name),
          labels: { component: 'outlet', state: state.toLowerCase() },
        });
    }
  }
  return { samples: out, pdus: seen };
}
