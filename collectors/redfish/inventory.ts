/** @module Chip inventory from Systems/{id}/Processors and PCIe devices: counts by kind, vendor, model and PCI vendor id. */
import type { Sample } from '../types.ts';
import type { Json } from './client.ts';
import { firstString, isAbsent, link, members } from './extract.ts';
import type { Profile } from './profile.ts';
import type { ChassisView, Walk } from './walk.ts';

interface Chip {
  kind: 'cpu' | 'accelerator';
  vendor: string;
  model: string;
  pciVendorId?: string;
}

/** Each profile's vendor patterns, compiled once rather than for every processor of every BMC in every round. */
const vendorPatterns = new WeakMap<Profile, Array<{ re: RegExp; vendor: string }>>();

/** Vendor name from the profile's patterns over the given strings; the first string as written otherwise. */
export function vendorOf(profile: Profile, ...candidates: Array<string | undefined>): string {
  let patterns = vendorPatterns.get(profile);
  if (patterns === undefined)
    vendorPatterns.set(
      profile,
      (patterns = profile.inventory.vendors.map((v) => ({ re: new RegExp(v.pattern, 'i'), vendor: v.vendor }))),
    );
  for (const c of candidates) {
    if (c === undefined) continue;
    const hit = patterns.find((v) => v.re.test(c));
    if (hit !== undefined) return hit.vendor;
  }
  return candidates.find((c) => c !== undefined) ?? 'unknown';
}

/** A PCI vendor id as four lowercase hex digits ("0x10DE" → "10de"), or undefined if it is not one. */
export function pciId(v: string | undefined): string | undefined {
  const m = v === undefined ? null : /^(?:0x)?([0-9a-f]{4})$/i.exec(v.trim());
  return m === null ? undefined : m[1]!.toLowerCase();
}

function processorChip(p: Profile, doc: Json): Chip | undefined {
  const spec = p.inventory.processor;
  const type = firstString(doc, spec.type);
  const kind = type === undefined ? undefined : p.inventory.processor_kinds[type];
  if (kind === undefined) return undefined;
  const manufacturer = firstString(doc, spec.manufacturer);
  const vendorId = firstString(doc, spec.vendor_id);
  const vendor = vendorOf(p, manufacturer, vendorId);
  const chip: Chip = { kind, vendor, model: firstString(doc, spec.model) ?? 'unknown' };
  if (kind === 'accelerator') {
    const id = pciId(vendorId) ?? p.inventory.pci_vendor_ids[vendor];
    if (id !== undefined) chip.pciVendorId = id;
  }
  return chip;
}

function pcieChip(p: Profile, doc: Json): Chip | undefined {
  const spec = p.inventory.pcie;
  const cls = firstString(doc, spec.class);
  if (cls === undefined || !spec.accelerator_classes.includes(cls)) return undefined;
  const manufacturer = firstString(doc, spec.manufacturer);
  const vendor = vendorOf(p, manufacturer);
  const chip: Chip = { kind: 'accelerator', vendor, model: firstString(doc, spec.model) ?? 'unknown' };
  const id = pciId(firstString(doc, spec.pci_vendor_id)) ?? p.inventory.pci_vendor_ids[vendor];
  if (id !== undefined) chip.pciVendorId = id;
  return chip;
}

/** PCIe devices of the chassis (PCIeDevices collection) and systems (older PCIeDevices link arrays), each with its first function as "Function". */
async function pcieDevices(walk: Walk, chassis: ChassisView[], systems: Json[]): Promise<Json[]> {
  const uris = new Set<string>();
  for (const ch of chassis) {
    const coll = await walk.get(link(ch.json, 'PCIeDevices'));
    for (const m of members(coll)) uris.add(m);
  }
  for (const s of systems) for (const m of members(s, 'PCIeDevices')) uris.add(m);
  const docs = await Promise.all([...uris].map((u) => walk.get(u)));
  return Promise.all(
    docs
      .filter((d): d is Json => d !== undefined)
      .map(async (d) => {
        const fnColl = await walk.get(link(d, 'PCIeFunctions'));
        const first = members(fnColl)[0] ?? members(d, 'Links.PCIeFunctions')[0];
        return { ...d, Function: (await walk.get(first)) ?? {} };
      }),
  );
}

/** Inventory samples and how many installed processors (of any kind) the systems list. */
export interface InventoryRead {
  samples: Sample[];
  processors: number;
}

/**
 * Inventory samples: one per (kind, vendor, model, pci id) with the count, plus one server row per system.
 * Empty sockets and bays (the profile's `presence`) are not counted.
 */
export async function inventorySignals(walk: Walk, root: Json, chassis: ChassisView[]): Promise<InventoryRead> {
  const p = walk.profile;
  const systems = await walk.collection(link(root, 'Systems'));
  const processors = (await Promise.all(systems.map((s) => walk.collection(link(s, 'Processors')))))
    .flat()
    .filter((d) => !isAbsent(d, p.presence));
  const fromProcessors = processors.map((d) => processorChip(p, d)).filter((c): c is Chip => c !== undefined);
  const chips = fromProcessors.filter((c) => c.kind === 'cpu');
  // Accelerators may be Processors (ProcessorType GPU/Accelerator) and PCIe devices at once: take the first source that has any.
  for (const from of p.inventory.accelerators_from) {
    const acc =
      from === 'processors'
        ? fromProcessors.filter((c) => c.kind === 'accelerator')
        : (await pcieDevices(walk, chassis, systems))
            .filter((d) => !isAbsent(d, p.presence))
            .map((d) => pcieChip(p, d))
            .filter((c): c is Chip => c !== undefined);
    if (acc.length > 0) {
      chips.push(...acc);
      break;
    }
  }
  const counts = new Map<string, { chip: Chip; n: number }>();
  for (const c of chips) {
    const key = JSON.stringify([c.kind, c.vendor, c.model, c.pciVendorId ?? '']);
    const e = counts.get(key);
    if (e === undefined) counts.set(key, { chip: c, n: 1 });
    else e.n++;
  }
  const out: Sample[] = systems.map((s) => ({
    signal: 'inventory',
    value: 1,
    labels: {
      kind: 'server',
      vendor: vendorOf(p, firstString(s, ['Manufacturer'])),
      model: firstString(s, ['Model']) ?? 'unknown',
    },
  }));
  for (const { chip, n } of counts.values()) {
    const labels: Record<string, string> = { kind: chip.kind, vendor: chip.vendor, model: chip.model };
    if (chip.pciVendorId !== undefined) labels['pci_vendor_id'] = chip.pciVendorId;
    out.push({ signal: 'inventory', value: n, labels });
  }
  return { samples: out, processors: processors.length };
}
