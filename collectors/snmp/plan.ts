/** @module Which OIDs a set of profiles needs: scalar instances to GET and table columns to walk. */
import type { Profile } from './types.ts';

/** The requests one collection makes. */
export interface ReadPlan {
  /** Instance OIDs read with GET. */
  scalars: string[];
  /** Column OIDs (entry.column) walked with GETBULK. */
  columns: string[];
}

/** Merges the OIDs of `profiles`, each once, in a stable order. */
export function planReads(profiles: Profile[]): ReadPlan {
  const scalars = new Set<string>();
  const columns = new Set<string>();
  for (const p of profiles) {
    for (const s of p.scalars ?? []) scalars.add(s.oid);
    for (const t of p.tables ?? []) {
      for (const c of t.columns ?? []) columns.add(`${t.entry}.${c.column}`);
      if (t.sensor) {
        const s = t.sensor;
        for (const c of [
          s.type_column,
          s.scale_column,
          s.precision_column,
          s.value_column,
          s.status_column,
          s.units_column,
        ]) {
          if (c !== undefined) columns.add(`${t.entry}.${c}`);
        }
      }
      if (t.name_column) columns.add(`${t.name_column.entry}.${t.name_column.column}`);
    }
  }
  return { scalars: [...scalars], columns: [...columns] };
}
