/**
 * @module Backfill for the demo: the center records of a past stretch, computed from the simulator's physical model
 * and pushed through the hub's ingest API like any agent's records — hourly records over whole hours, then records
 * of the agents' interval up to the instant each center's live agent takes over, and monthly filings.
 *
 * The demo pushes it in two parts: the hourly records up to the last hour boundary 15 minutes or more before now
 * (which it then closes), and,
 * once the agents run and say where their first records start, the stretch up to there.
 *
 * Live agents read the same model over the real protocols from that instant on; the backfill only saves a newcomer
 * from waiting a month to see month closes, trends and reports, and leaves no gap before live data.
 */
import type { CenterDevices } from '../simulate/devices.ts';
import type { Center } from '../model/centers.ts';
import { defaultCatalog } from '../catalog/load.ts';
import { scaleMetrics } from '../records/scale.ts';
import { truthFor } from '../simulate/ground-truth.ts';
import { periodsTouching, periodWindow } from '../model/periods.ts';
import { prng } from '../engine/synthetic.ts';
import type { Progress } from './progress.ts';

const HOUR = 3_600_000;

/** A record as pushed to the hub (the center-record schema). */
export type BackfillRecord = Record<string, unknown> & { center: string; start: string; end: string };

/** New centers in hub clusters buy green power for most of their energy (80% by 2025); others for a little. */
function greenShare(entry: Center, rnd: () => number): number {
  const isNew = (entry.commission_date ?? '') >= '2022-01-01';
  return entry.hub_cluster !== null && isNew ? 0.75 + rnd() * 0.25 : rnd() * 0.25;
}

/**
 * The monthly filings a center makes (incidents, outages, certification, backup, green certificates, diesel) for
 * every month that lies whole in [fromMs, toMs) and ends after `endsAfter`. Most centers back up all their important
 * data; a new hub center buys green certificates for most of the energy its own PV does not cover.
 */
export function filings(
  devices: CenterDevices,
  entry: Center,
  seed: number,
  fromMs: number,
  toMs: number,
  endsAfter = -Infinity,
): BackfillRecord[] {
  const center = devices.plan.center;
  const out: BackfillRecord[] = [];
  for (const month of periodsTouching('month', fromMs, toMs)) {
    const w = periodWindow('month', month);
    if (w.fromMs < fromMs || w.toMs > toMs || w.toMs <= endsAfter) continue;
    const truth = truthFor(devices.physics, w.fromMs, w.toMs).metrics;
    const uncovered = Math.max(0, (truth.e_total_kwh ?? 0) - (truth.e_green_direct_kwh ?? 0));
    let h = seed;
    for (const ch of `${center}/${month}`) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
    const rnd = prng(h);
    const important = Math.round(200 + rnd() * 2000);
    const backedUp = rnd() < 0.75 ? 1 : 0.8 + rnd() * 0.2;
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
        important_data_dr_tb: Math.round(important * backedUp),
        storage_used_tb: Math.round((entry.storage_total_tb ?? 1000) * (0.3 + rnd() * 0.5)),
        e_green_cert_kwh: Math.round(uncovered * greenShare(entry, rnd)),
        diesel_l: Math.round(rnd() * 800 * (devices.plan.modelScale ?? 1)),
      },
    });
  }
  return out;
}

/**
 * The record of one center over [fromMs, toMs) as its agent would build it: the model's true raw metrics (scaled
 * to the whole center) plus what the agent derives from devices rather than meters — peak facility power (sampled every quarter of the span), racks
 * carrying load (one PDU per rack in the simulated fleet) and server inlet temperatures (up to four servers).
 */
export function modelRecord(devices: CenterDevices, fromMs: number, toMs: number): BackfillRecord {
  const truth = truthFor(devices.physics, fromMs, toMs);
  const span = toMs - fromMs;
  const peakW = Math.max(0, ...[0, 0.25, 0.5, 0.75].map((f) => devices.physics.at('fac', fromMs + f * span)));
  const servers = devices.devices.filter((d) => d.kind === 'server').slice(0, 4);
  const inlets = servers.map((s) => (s.read(fromMs + span / 2) as { inletCelsius: number }).inletCelsius);
  const plan = devices.physics.plan;
  const derived = { p_total_kw_max: peakW / 1000, racks_in_use: plan.pdus.length };
  const metrics: Record<string, number> = {
    ...truth.metrics,
    ...scaleMetrics(defaultCatalog(), derived, plan.modelScale),
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
  /** The agents' record interval: the stretch after the hourly records is cut at its multiples. */
  intervalMs: number;
  /**
   * Hourly records end here (an hour boundary). Default: the last boundary at least 15 minutes before `toMs` — the
   * live window (15 minutes) reads records that start at most 15 minutes before it, as agents' do, so no hourly
   * record may reach into a window that ends after the take-over.
   */
  hourlyUntil?: number;
}

/** The last hour boundary at least 15 minutes before `ms`: where hourly records may end (see hourlyUntil). */
export function lastHourBefore(ms: number): number {
  return Math.floor((ms - 15 * 60_000) / HOUR) * HOUR;
}

/**
 * The telemetry records of one center for [fromMs, toMs): hourly records up to `hourlyUntil`, then records cut at
 * multiples of the interval (so they tile the hour as the agent's do).
 */
export function telemetryBackfill(devices: CenterDevices, span: BackfillSpan): BackfillRecord[] {
  const records: BackfillRecord[] = [];
  const hourlyUntil = Math.min(span.toMs, span.hourlyUntil ?? lastHourBefore(span.toMs));
  let t = span.fromMs;
  for (; t + HOUR <= hourlyUntil; t += HOUR) records.push(modelRecord(devices, t, t + HOUR));
  while (t < span.toMs) {
    const next = Math.min(span.toMs, (Math.floor(t / span.intervalMs) + 1) * span.intervalMs);
    records.push(modelRecord(devices, t, next));
    t = next;
  }
  return records;
}

/** Every record of one center for [fromMs, toMs): its telemetry and the filings of each whole month. */
export function centerBackfill(
  devices: CenterDevices,
  entry: Center,
  span: BackfillSpan & { seed: number },
): BackfillRecord[] {
  return [...telemetryBackfill(devices, span), ...filings(devices, entry, span.seed, span.fromMs, span.toMs)];
}

/** Answers that say "not now" rather than "no": the push is tried again after a pause. */
const TRANSIENT = new Set([429, 502, 503, 504]);

/**
 * POSTs a batch. A connection reset or refused (the hub closed an idle connection while the next batch was computed,
 * or a loaded machine dropped it) and a "not now" answer are tried again after a growing pause — 0.5 s, 1 s, 2 s …
 * `retries` times — before the push fails: a record's identity makes a repeated push change nothing.
 */
export async function post(
  url: string,
  init: RequestInit,
  opts: { retries?: number; firstDelayMs?: number } = {},
): Promise<Response> {
  const retries = opts.retries ?? 6;
  let delay = opts.firstDelayMs ?? 500;
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(url, init);
      if (!TRANSIENT.has(res.status) || attempt >= retries) return res;
      await res.arrayBuffer();
    } catch (err) {
      if (attempt >= retries) throw err;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay *= 2;
  }
}

/** Pushes `records` for one center to the hub with its agent token; any rejected record is an error. */
export async function push(hubUrl: string, token: string, records: object[]): Promise<void> {
  for (let i = 0; i < records.length; i += 2000) {
    const res = await post(`${hubUrl}/api/v1/records`, {
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
 * Pushes, center by center, the records `recordsOf` makes for it; reports each center done to `progress`.
 * Returns the number of records pushed.
 */
export async function backfill(opts: {
  hubUrl: string;
  tokens: Map<string, string>;
  centers: Map<string, CenterDevices>;
  recordsOf: (devices: CenterDevices) => BackfillRecord[];
  progress?: Progress;
}): Promise<number> {
  let n = 0;
  let done = 0;
  for (const [center, devices] of opts.centers) {
    const records = opts.recordsOf(devices);
    await push(opts.hubUrl, opts.tokens.get(center)!, records);
    n += records.length;
    opts.progress?.update(++done, `${n.toLocaleString('en-US')} records`);
  }
  return n;
}
