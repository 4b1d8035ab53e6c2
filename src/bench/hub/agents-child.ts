/**
 * @module The hub benchmark's agents: one process pushes the one-minute records of a share of the fleet's centers,
 * each center with its own agent token, one request per center per minute, as that center's agent would.
 * Center i pushes the record of the minute that just ended at its own offset within the next minute, so the
 * fleet's pushes spread over the minute; a center behind the clock sends what it owes in one request. Bounded: it stops after the record that ends at `untilSim`.
 *
 * Usage: node agents-child.ts SPEC.json   (prints a JSON summary when done)
 */
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { defaultCatalog } from '../../catalog/load.ts';
import { benchFleet, recordFor, wireRecord } from './fleet.ts';
import { simAt, untilSim, type ClockSpec } from './clock.ts';

interface Spec {
  url: string;
  clock: ClockSpec;
  fleetSize: number;
  /** The centers this process pushes for, with their tokens. */
  tokens: Record<string, string>;
  /** Pushes the minute ending at `fromSim` first, the one ending at `untilSim` last. */
  fromSim: number;
  untilSim: number;
}

const MIN = 60_000;
/** Records an agent sends in one request at most when it catches up. */
const MAX_BATCH = 60;
const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Spec;
const catalog = defaultCatalog();
const fleet = benchFleet(catalog, spec.fleetSize);
const centers = Object.keys(spec.tokens).sort();
const pool = new Pool(spec.url, { connections: 24, pipelining: 1 });
const summary = { sent: 0, requests: 0, ok: 0, failed: 0, statuses: {} as Record<string, number>, lateMs: 0 };
const inFlight = new Set<Promise<void>>();

async function push(center: string, ends: number[]): Promise<void> {
  const t = fleet.templates.get(center)!;
  const body = JSON.stringify({
    records: ends.map((endMs) => wireRecord(recordFor(catalog, t, endMs - MIN, endMs, endMs / MIN + center.length))),
  });
  summary.sent += ends.length;
  summary.requests++;
  try {
    const res = await pool.request({
      path: '/api/v1/records',
      method: 'POST',
      headers: {
        authorization: `Bearer ${spec.tokens[center]}`,
        'content-type': 'application/json',
        prefer: 'return=minimal',
      },
      body,
    });
    await res.body.text();
    summary.statuses[res.statusCode] = (summary.statuses[res.statusCode] ?? 0) + 1;
    if (res.statusCode === 200) summary.ok += ends.length;
    else summary.failed += ends.length;
  } catch {
    summary.failed += ends.length;
    summary.statuses.error = (summary.statuses.error ?? 0) + 1;
  }
}

// Each center's offset within the minute, fixed per center (spread evenly over the whole minute).
const offsets = centers.map((_, i) => ((i + 0.5) / centers.length) * MIN);
// The newest minute each center has sent. A center that falls behind the clock sends every record it owes in
// one request, as an agent's outbox does after a slow push, instead of one request per minute behind.
const sentUpTo = centers.map(() => spec.fromSim - MIN);
for (let end = spec.fromSim; end <= spec.untilSim; end += MIN) {
  for (let i = 0; i < centers.length; i++) {
    if (sentUpTo[i]! >= end) continue;
    const at = end + offsets[i]!;
    const now = simAt(spec.clock);
    if (now < at) await untilSim(spec.clock, at);
    else summary.lateMs = Math.max(summary.lateMs, now - at);
    const due = Math.min(spec.untilSim, Math.floor((Math.max(now, at) - offsets[i]!) / MIN) * MIN);
    const ends: number[] = [];
    for (let e = sentUpTo[i]! + MIN; e <= due && ends.length < MAX_BATCH; e += MIN) ends.push(e);
    sentUpTo[i] = ends.at(-1)!;
    const p = push(centers[i]!, ends).finally(() => inFlight.delete(p));
    inFlight.add(p);
    // Bounded: at most as many requests in flight as the pool has connections, times two.
    if (inFlight.size >= 48) await Promise.race(inFlight);
  }
}
await Promise.all(inFlight);
await pool.close();
process.stdout.write(JSON.stringify(summary));
