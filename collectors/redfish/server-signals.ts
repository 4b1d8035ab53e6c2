/** @module Whole-server power, energy, inlet/exhaust temperature, PSU rows and fans, read through the profile's sources. */
import type { Sample } from '../types.ts';
import { firstNumber, firstString, isAbsent } from './extract.ts';
import type { RowSource, ScalarSource, ServerReading } from './profile.ts';
import type { ChassisView, Walk } from './walk.ts';

/** The first number any source gives, trying chassis in preference order and sources in profile order. */
async function scalar(walk: Walk, chassis: ChassisView[], sources: ScalarSource[]): Promise<number | undefined> {
  for (const ch of chassis) {
    for (const src of sources) {
      for (const row of await walk.rows(ch, src)) {
        if (isAbsent(row, walk.profile.presence)) continue;
        const n = firstNumber(row, src.path, walk.profile.numeric_strings);
        if (n !== undefined) return n;
      }
    }
  }
  return undefined;
}

interface Row {
  /** The device: the row's identity when the source names one, else its name. */
  device: string;
  /** The human name, when the identity is not it. */
  name?: string;
  value: number;
  energyKwh?: number;
}

/** Per-chassis rows from the first source that yields any; chassis ids prefix names only when several chassis have rows. */
async function rowsOf(walk: Walk, chassis: ChassisView[], sources: RowSource[]): Promise<Row[]> {
  const perChassis: Array<{ ch: ChassisView; rows: Row[] }> = [];
  for (const ch of chassis) {
    for (const src of sources) {
      const rows: Row[] = [];
      for (const [i, r] of (await walk.rows(ch, src)).entries()) {
        if (isAbsent(r, walk.profile.presence)) continue;
        if (src.units !== undefined && src.accept_units !== undefined) {
          const unit = firstString(r, src.units);
          if (unit === undefined || !src.accept_units.includes(unit)) continue;
        }
        const value = firstNumber(r, src.value, walk.profile.numeric_strings);
        if (value === undefined) continue;
        const name = firstString(r, src.name);
        const id = src.id === undefined ? undefined : firstString(r, src.id);
        const row: Row = { device: id ?? name ?? String(i), value };
        if (id !== undefined && name !== undefined) row.name = name;
        const e =
          src.energy_kwh === undefined ? undefined : firstNumber(r, src.energy_kwh, walk.profile.numeric_strings);
        if (e !== undefined) row.energyKwh = e;
        rows.push(row);
      }
      if (rows.length > 0) {
        perChassis.push({ ch, rows });
        break;
      }
    }
  }
  const prefix = perChassis.length > 1;
  return perChassis.flatMap(({ ch, rows }) => rows.map((r) => (prefix ? { ...r, device: `${ch.id}/${r.device}` } : r)));
}

/** Server samples and which of the profile's server readings they cover. */
export interface ServerRead {
  samples: Sample[];
  got: Set<ServerReading>;
}

/** Reads every server signal of the chassis the profile considers part of the server. */
export async function serverSignals(walk: Walk, chassis: ChassisView[]): Promise<ServerRead> {
  const src = walk.profile.sources;
  const [power, energy, inlet, exhaust, psus, fans] = await Promise.all([
    scalar(walk, chassis, src.power_watts),
    scalar(walk, chassis, src.energy_kwh),
    scalar(walk, chassis, src.inlet_celsius),
    scalar(walk, chassis, src.exhaust_celsius),
    rowsOf(walk, chassis, src.power_supplies),
    rowsOf(walk, chassis, src.fans),
  ]);
  const out: Sample[] = [];
  if (power !== undefined) out.push({ signal: 'power_watts', value: power });
  if (energy !== undefined) out.push({ signal: 'energy_kwh', value: energy });
  if (inlet !== undefined) out.push({ signal: 'temperature_celsius', value: inlet, labels: { location: 'inlet' } });
  if (exhaust !== undefined)
    out.push({ signal: 'temperature_celsius', value: exhaust, labels: { location: 'exhaust' } });
  for (const p of psus) {
    const labels: Record<string, string> = { component: 'power_supply' };
    if (p.name !== undefined) labels['name'] = p.name;
    out.push({ signal: 'power_watts', value: p.value, device: p.device, labels });
    if (p.energyKwh !== undefined) out.push({ signal: 'energy_kwh', value: p.energyKwh, device: p.device, labels });
  }
  for (const f of fans) out.push({ signal: 'fan_percent', value: f.value, device: f.device });
  const got = new Set<ServerReading>();
  // The agent adds up PSU rows where the server has no total of its own, so PSU rows stand for power (and energy).
  if (power !== undefined || psus.length > 0) got.add('power_watts');
  if (energy !== undefined || psus.some((p) => p.energyKwh !== undefined)) got.add('energy_kwh');
  if (inlet !== undefined) got.add('inlet_celsius');
  if (exhaust !== undefined) got.add('exhaust_celsius');
  if (psus.length > 0) got.add('power_supplies');
  if (fans.length > 0) got.add('fans');
  return { samples: out, got };
}
