/**
 * @module Fleets for report tests: a small one with answers worked out by hand, and a synthetic one.
 *
 * Known fleet (Asia/Shanghai months): Guangdong (44) has g1, g2, g3; Guizhou (52) has z1, z2; Beijing (11)
 * has b1, which never reports. October 2026 PUEs: g1 1.3, g2 1.5, g3 1.4 (44 pooled 4.2/3 = 1.4),
 * z1 1.2, z2 1.6 (52 pooled 2.8/2 = 1.4, a tie with 44). September 2026: every 44 center 1.5.
 * October 2025: every 44 center 1.6. g3's October record stops a day early (late, 24 h downtime) and g3
 * files no declarations; the others file one for October.
 */
import type { Catalog } from '../catalog/types.ts';
import type { Center } from '../model/centers.ts';
import type { ParsedRecord } from '../model/records.ts';
import { indexRegistry, type RegistryIndex } from '../registry/load.ts';
import { defaultCatalog } from '../catalog/load.ts';
import { syntheticFleet } from '../engine/synthetic.ts';

const DAY = 86_400_000;
const at = (s: string) => Date.parse(`${s}T00:00:00+08:00`);

function center(id: string, province: string): Center {
  return {
    id,
    name: `DC ${id}`,
    province,
    type: 'general',
    hub_cluster: null,
    commission_date: '2020-01-01',
    size_class: 'large',
    racks_design: 1000,
    racks_installed: 800,
    it_rated_kw: 2000,
    grid_capacity_kw: 4000,
  };
}

function month(centerId: string, from: string, to: string, pue: number, itKwh = 1_000_000): ParsedRecord {
  return {
    center: centerId,
    startMs: at(from),
    endMs: at(to),
    source: 'telemetry',
    metrics: { e_it_kwh: itKwh, e_total_kwh: itKwh * pue },
  };
}

function filing(centerId: string): ParsedRecord {
  return {
    center: centerId,
    startMs: at('2026-10-01'),
    endMs: at('2026-11-01'),
    source: 'declaration',
    metrics: {
      security_incidents: 0,
      outage_count: 0,
      outage_min_unplanned: 0,
      mlps_l3_valid: 1,
      important_data_tb: 100,
      important_data_dr_tb: 100,
      storage_used_tb: 10,
      e_green_cert_kwh: 0,
      diesel_l: 0,
    },
  };
}

export function knownFleet(): { catalog: Catalog; registry: RegistryIndex; records: ParsedRecord[] } {
  const catalog = defaultCatalog();
  const registry = indexRegistry([
    center('g1', '44'),
    center('g2', '44'),
    center('g3', '44'),
    center('z1', '52'),
    center('z2', '52'),
    center('b1', '11'),
  ]);
  const records: ParsedRecord[] = [
    month('g1', '2026-10-01', '2026-11-01', 1.3),
    month('g2', '2026-10-01', '2026-11-01', 1.5),
    { ...month('g3', '2026-10-01', '2026-10-31', 1.4) },
    month('z1', '2026-10-01', '2026-11-01', 1.2),
    month('z2', '2026-10-01', '2026-11-01', 1.6),
    ...['g1', 'g2', 'g3'].map((c) => month(c, '2026-09-01', '2026-10-01', 1.5)),
    ...['g1', 'g2', 'g3'].map((c) => month(c, '2025-10-01', '2025-11-01', 1.6)),
    ...['g1', 'g2', 'z1', 'z2'].map(filing),
  ];
  return { catalog, registry, records };
}

export const DAY_MS = DAY;

/** A synthetic fleet covering all of October 2026 (two centers per province). */
export function syntheticOctober(centers = 62): { catalog: Catalog; registry: RegistryIndex; records: ParsedRecord[] } {
  const catalog = defaultCatalog();
  const { registry, records } = syntheticFleet(catalog, { centers, days: 31, seed: 11, fromMs: at('2026-10-01') });
  return { catalog, registry, records };
}
