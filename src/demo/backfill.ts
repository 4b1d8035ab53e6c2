/**
 * @module Backfill for the demo: the center records of a past stretch, computed from the simulator's physical model
 * and pushed through the hub's ingest API like any agent's records — hourly records over whole hours, then records
 * of the agents' interval up to the instant each center's live agent takes over, and monthly filings.
 *
 * Live agents read the same model over the real protocols from that instant on; the backfill only saves a newcomer
 * from waiting a month to see month closes, trends and reports, and leaves no gap before live data.
 */
import type { CenterDevices } from '../simulate/devices.ts';
import { truthFor } from '../simulate/ground-truth.ts';
import { periodsTouching, periodWindow } from '../engine/periods.ts';
import { prng } from '../engine/synthetic.ts';
import type { Progress } from './progress.ts';

const HOUR = 3_600_000;

/** A record as pushed to the hub (the center-record schema). */
export type BackfillRecord = Record<string, unknown> & { center: string; start: string; end: string };

/** Monthly filings a center would make: incidents, outages, certification, backup, certificates, diesel. */
function filings(center: string, seed: number, fromMs: number, toMs: number, eTotal: number): BackfillRecord[] {
  const out: BackfillRecord[] = [];
  for (const month of periodsTouching('month', fromMs, toMs)) {
    const w = periodWindow('month', month);
    if (w.fromMs < fromMs || w.toMs > toMs) continue;
    let h = seed;
    for (const ch of `${center}/${month}`) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
    const rnd = prng(h);
    const important = Math.round(200 + rnd() * 2000);
    out.push({
      center,
      source: 'declaration',
      start: new Date(w.fromMs).toISOString(),
      end: new Date(w.toMs).toISOString(),
      metrics: {
        security_incidents: rnd() < 0.85 ? 0 : 1,
        outage_count: rnd() < 0.9 ? 0 : 1,
        outage_min_unplanned: rnd() < 0.9 ? 0 : Math.round(5 + rnd() * 60),
        mlps_l3_valid: rnd() < 0.8,
        important_data_tb: important,
        important_data_dr_tb: Math.round(important * (0.75 + rnd() * 0.25)),
        storage_used_tb: Math.round(100 + rnd() * 900),
        e_green_cert_kwh: Math.round(eTotal * rnd() * 0.25),
        diesel_l: Math.round(rnd() * 800),
      },
    });
  }
  return out;
}

/**
 * The record of one center over [fromMs, toMs) as its agent would build it: the model's true raw metrics plus what
 * the agent derives from devices rather than meters — peak facility power (sampled every quarter of the span), racks
 * carrying load (one PDU per rack in the simulated fleet) and server inlet temperatures (up to four servers).
 */
export function modelRecord(devices: CenterDevices, fromMs: number, toMs: number): BackfillRecord {
  const truth = truthFor(devices.physics, fromMs, toMs);
  const span = toMs - fromMs;
  const peakW = Math.max(0, ...[0, 0.25, 0.5, 0.75].map((f) => devices.physics.at('fac', fromMs + f * span)));
  const servers = devices.devices.filter((d) => d.kind === 'server').slice(0, 4);
  const inlets = servers.map((s) => (s.read(fromMs + span / 2) as { inletCelsius: number }).inletCelsius);
  const metrics: Record<string, number> = {
    ...truth.metrics,
    p_total_kw_max: peakW / 1000,
    racks_in_use: devices.physics.plan.pdus.length,
  };
  if (inlets.length > 0) {
    metrics.inlet_temp_c_mean = inlets.reduce((a, b) => a + b, 0) / inlets.length;
    metrics.inlet_temp_c_max = Math.max(...inlets);
  }
  return {
    center: truth.center,
    start: truth.start,
    end: truth.end,
    metrics,
    ...(truth.histograms ? { histograms: truth.histograms } : {}),
  };
}

export interface BackfillSpan {
  /** Start, on an hour boundary. */
  fromMs: number;
  /** Where the center's live agent takes over: its first record starts here. */
  toMs: number;
  /** The agents' record interval: the stretch after the last whole hour is cut at its multiples. */
  intervalMs: number;
  seed: number;
}

/**
 * Every record of one center for [fromMs, toMs): hourly records over the whole hours, records cut at multiples of
 * the interval for the rest (so they tile the hour as the agent's do), and the filings of each whole month.
 */
export function centerBackfill(devices: CenterDevices, span: BackfillSpan): BackfillRecord[] {
  const records: BackfillRecord[] = [];
  let eTotal = 0;
  const add = (a: number, b: number) => {
    const r = modelRecord(devices, a, b);
    eTotal += (r.metrics as Record<string, number>).e_total_kwh ?? 0;
    records.push(r);
  };
  let t = span.fromMs;
  for (; t + HOUR <= span.toMs; t += HOUR) add(t, t + HOUR);
  while (t < span.toMs) {
    const next = Math.min(span.toMs, (Math.floor(t / span.intervalMs) + 1) * span.intervalMs);
    add(t, next);
    t = next;
  }
  records.push(...filings(devices.plan.center, span.seed, span.fromMs, span.toMs, eTotal));
  return records;
}

/** Pushes `records` for one center to the hub with its agent token; any rejected record is an error. */
async function push(hubUrl: string, token: string, records: object[]): Promise<void> {
  for (let i = 0; i < records.length; i += 2000) {
    const res = await fetch(`${hubUrl}/api/v1/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', prefer: 'return=minimal' },
      body: JSON.stringify({ records: records.slice(i, i + 2000) }),
    });
    const body = (await res.json()) as { rejected?: Array<{ errors: unknown }> };
    if (res.status !== 200 || (body.rejected?.length ?? 0) > 0)
      throw new Error(`backfill rejected by the hub (${res.status}): ${JSON.stringify(body).slice(0, 500)}`);
  }
}

/**
 * Backfills every center from `fromMs` to the instant its agent takes over (`until`), pushing each center's records
 * as one stream of batches. Returns the number of records pushed.
 */
export async function backfill(opts: {
  hubUrl: string;
  tokens: Map<string, string>;
  centers: Map<string, CenterDevices>;
  fromMs: number;
  until: (center: string) => number;
  intervalMs: number;
  seed: number;
  progress: Progress;
}): Promise<number> {
  let n = 0;
  let done = 0;
  for (const [center, devices] of opts.centers) {
    const records = centerBackfill(devices, {
      fromMs: opts.fromMs,
      toMs: opts.until(center),
      intervalMs: opts.intervalMs,
      seed: opts.seed,
    });
    await push(opts.hubUrl, opts.tokens.get(center)!, records);
    n += records.length;
    opts.progress.update(++done, `${n.toLocaleString('en-US')} records`);
  }
  return n;
}
