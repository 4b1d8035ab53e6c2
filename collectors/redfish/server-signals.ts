/** @module Whole-server power, energy, inlet/exhaust temperature, PSU rows and fans, read through the profile's sources. */
import type { Sample } from '../types.ts';
import { firstNumber, firstString } from './extract.ts';
import type { RowSource, ScalarSource } from './profile.ts';
import type { ChassisView, Walk } from './walk.ts';

/** The first number any source gives, trying chassis in preference order and sources in profile order. */
async function scalar(walk: Walk, chassis: ChassisView[], sources: ScalarSource[]): Promise<number | undefined> {
  for (const ch of chassis) {
    for (const src of sources) {
      for (const row of await walk.rows(ch, src)) {
        const n = firstNumber(row, src.path, walk.profile.numeric_strings);
        if (n !== undefined) return n;
      }
    }
  }
  return undefined;
}

interface Row {
  name: string;
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
        if (src.units !== undefined && src.accept_units !== undefined) {
          const unit = firstString(r, src.units);
          if (unit === undefined || !src.accept_units.includes(unit)) continue;
        }
        const value = firstNumber(r, src.value, walk.profile.numeric_strings);
        if (value === undefined) continue;
        const row: Row = { name: firstString(r, src.name) ?? String(i), value };
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
  return perChassis.flatMap(({ ch, rows }) => rows.map((r) => (prefix ? { ...r, name: `${ch.id}/${r.name}` } : r)));
}

/** Reads every server signal of the chassis the profile considers part of the server. */
export async function serverSignals(walk: Walk, chassis: ChassisView[]): Promise<Sample[]> {
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
    out.push({ signal: 'power_watts', value: p.value, device: p.name, labels: { component: 'power_supply' } });
    if (p.energyKwh !== undefined)
      out.push({ signal: 'energy_kwh', value: p.energyKwh, device: p.name, labels: { component: 'power_supply' } });
  }
  for (const f of fans) out.push({ signal: 'fan_percent', value: f.value, device: f.name });
  return out;
}
