/** @module Executes a read plan on a session: GETs for scalars, multi-column GETBULK walks for tables. */
import snmp from 'net-snmp';
import type { ReadPlan } from './plan.ts';
import { varbindValue, type SnmpSession } from './session.ts';
import type { Readout, SnmpValue } from './types.ts';

/** Bounds a walk even if an agent loops (a broken agent can answer the same row forever). */
const MAX_ROWS_PER_COLUMN = 10_000;

/** Options that shape the requests. */
export interface FetchOptions {
  maxRepetitions: number;
  maxOidsPerGet: number;
}

async function getScalars(
  session: SnmpSession,
  oids: string[],
  opts: FetchOptions,
  signal: AbortSignal,
  out: Readout,
): Promise<void> {
  for (let i = 0; i < oids.length; i += opts.maxOidsPerGet) {
    const chunk = oids.slice(i, i + opts.maxOidsPerGet);
    const varbinds = await session.get(chunk, signal);
    varbinds.forEach((vb, k) => {
      const oid = chunk[k]!;
      if (snmp.isVarbindError(vb)) out.missing.push(oid);
      else {
        const v = varbindValue(vb);
        if (v !== undefined) out.values.set(oid, v);
      }
    });
  }
}

/** Walks several columns at once: one GETBULK carries every unfinished column's cursor. */
async function walkColumns(
  session: SnmpSession,
  columns: string[],
  opts: FetchOptions,
  signal: AbortSignal,
  out: Map<string, SnmpValue>,
): Promise<void> {
  const cursors = new Map(columns.map((c) => [c, c]));
  const rows = new Map(columns.map((c) => [c, 0]));
  while (cursors.size > 0) {
    const active = [...cursors.keys()];
    const answer = await session.getBulk(
      active.map((c) => cursors.get(c)!),
      opts.maxRepetitions,
      signal,
    );
    let progressed = false;
    active.forEach((column, i) => {
      // An agent may answer fewer repetitions than asked (RFC 3416 §4.2.3 lets it truncate), even none
      // for a column; such a column stays active unless the whole answer made no progress.
      const successors = answer[i] ?? [];
      let finished = false;
      for (const vb of successors) {
        // endOfMibView or the first OID outside the column ends that column's walk.
        if (snmp.isVarbindError(vb) || !vb.oid.startsWith(`${column}.`)) {
          finished = true;
          break;
        }
        const v = varbindValue(vb);
        if (v !== undefined) out.set(vb.oid, v);
        cursors.set(column, vb.oid);
        rows.set(column, rows.get(column)! + 1);
        progressed = true;
      }
      if (finished || rows.get(column)! >= MAX_ROWS_PER_COLUMN) {
        cursors.delete(column);
        progressed = true;
      }
    });
    if (!progressed) break;
  }
}

/** Reads everything `plan` asks for. Requests for scalars and tables run concurrently on the one session. */
export async function fetchPlan(
  session: SnmpSession,
  plan: ReadPlan,
  opts: FetchOptions,
  signal: AbortSignal,
): Promise<Readout> {
  const readout: Readout = { values: new Map(), missing: [] };
  await Promise.all([
    plan.scalars.length > 0 ? getScalars(session, plan.scalars, opts, signal, readout) : undefined,
    plan.columns.length > 0 ? walkColumns(session, plan.columns, opts, signal, readout.values) : undefined,
  ]);
  return readout;
}
