/**
 * @module Backfill for the demo: a past stretch of hourly center records and monthly filings, computed from
 * the simulator's physical model and pushed through the hub's ingest API like any agent's records.
 *
 * Live agents read the same model over the real protocols from "now" on; the backfill only saves a
 * newcomer from waiting a month to see month closes, trends and reports.
 */
import type { CenterDevices } from '../simulate/devices.ts';
import { truthFor } from '../simulate/ground-truth.ts';
import { periodsTouching, periodWindow } from '../engine/periods.ts';
import { prng } from '../engine/synthetic.ts';

const HOUR = 3_600_000;

/** Pushes `records` for one center to the hub with its agent token. */
async function push(hubUrl: string, token: string, records: object[]): Promise<void> {
  for (let i = 0; i < records.length; i += 2000) {
    const res = await fetch(`${hubUrl}/api/v1/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ records: records.slice(i, i + 2000) }),
    });
    const body = (await res.json()) as { rejected?: Array<{ errors: unknown }> };
    if (res.status !== 200 || (body.rejected?.length ?? 0) > 0)
      throw new Error(`backfill rejected by the hub (${res.status}): ${JSON.stringify(body).slice(0, 500)}`);
  }
}

/** Monthly filings a center would make: incidents, outages, certification, backup, certificates, diesel. */
function filings(center: string, seed: number, fromMs: number, toMs: number, eTotal: number): object[] {
  const out: object[] = [];
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
 * Backfills [fromMs, toMs) (hour-aligned) for every center: hourly telemetry from the model, plus the
 * filings of every whole month in the span. Returns the number of records pushed.
 */
export async function backfill(opts: {
  hubUrl: string;
  tokens: Map<string, string>;
  centers: Map<string, CenterDevices>;
  fromMs: number;
  toMs: number;
  seed: number;
  log: (s: string) => void;
}): Promise<number> {
  let n = 0;
  let done = 0;
  for (const [center, devices] of opts.centers) {
    const records: object[] = [];
    let eTotal = 0;
    const servers = devices.devices.filter((d) => d.kind === 'server').slice(0, 4);
    const racks = devices.physics.plan.pdus.length;
    for (let t = opts.fromMs; t + HOUR <= opts.toMs; t += HOUR) {
      const truth = truthFor(devices.physics, t, t + HOUR);
      eTotal += truth.metrics.e_total_kwh ?? 0;
      // What the agent derives from devices rather than meters: peak facility power (sampled), racks carrying
      // load (one PDU per rack in the simulated fleet), server inlet temperatures.
      const peakKw = Math.max(...[0, 15, 30, 45].map((m) => devices.physics.at('fac', t + m * 60_000))) / 1000;
      const inlets = servers.map((s) => (s.read(t + HOUR / 2) as { inletCelsius: number }).inletCelsius);
      const metrics: Record<string, number> = { ...truth.metrics, p_total_kw_max: peakKw, racks_in_use: racks };
      if (inlets.length > 0) {
        metrics.inlet_temp_c_mean = inlets.reduce((a, b) => a + b, 0) / inlets.length;
        metrics.inlet_temp_c_max = Math.max(...inlets);
      }
      records.push({
        center,
        start: truth.start,
        end: truth.end,
        metrics,
        ...(truth.histograms ? { histograms: truth.histograms } : {}),
      });
    }
    records.push(...filings(center, opts.seed, opts.fromMs, opts.toMs, eTotal));
    await push(opts.hubUrl, opts.tokens.get(center)!, records);
    n += records.length;
    if (++done % 25 === 0) opts.log(`backfill: ${done}/${opts.centers.size} centers`);
  }
  return n;
}
