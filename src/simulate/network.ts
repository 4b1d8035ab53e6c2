/**
 * @module A simulated center's network: the border router whose WAN uplinks carry its data traffic (read over
 * SNMP IF-MIB) and the smokeping_prober that measures round-trip times to city, regional and hub targets (the metro
 * exchange and a neighbour; two core nodes of its region; the three nearest other hub nodes).
 *
 * Traffic follows the IT load (bytes per kWh of IT energy), so the ground truth is exact: the uplink octet
 * counters are the IT energy integral times a constant. Round-trip times come from fibre distance between the
 * center and each target (≈0.01 ms per km of route, routes ~1.3× the great circle) plus a fixed switching
 * time; each target's RTT distribution is a narrow log-normal with a small tail of slow probes.
 */
import { provinces, clusters } from './geography.ts';
import { rng } from './random.ts';

/** Latency classes of the catalog: lat_city_hist, lat_region_hist, lat_hub_hist. */
export type ProbeClass = 'city' | 'region' | 'hub';

export interface ProbeTarget {
  /** Host name as the prober is configured with it. */
  host: string;
  ip: string;
  class: ProbeClass;
  /** Median round-trip time, ms. */
  rttMs: number;
}

/** The center's border router: WAN uplinks in IF-MIB's ifXTable. */
export interface RouterPlan {
  id: string;
  kind: 'router';
  /** Uplink interface names; traffic splits over them by `split`. */
  uplinks: string[];
  split: number[];
  /** Bytes received / sent per kWh of IT energy. */
  bytesInPerKwh: number;
  bytesOutPerKwh: number;
}

/** smokeping_prober: one ICMP probe per second to each target. */
export interface ProberPlan {
  id: string;
  kind: 'smokeping';
  targets: ProbeTarget[];
}

/**
 * The prober's `--buckets` flag as the collectors README tells operators to set it: the catalog's latency
 * bounds (raw-metrics.yaml lat_*_hist) in seconds, so the agent's histograms need no re-bucketing.
 */
export const SMOKEPING_BUCKETS_MS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 25, 30, 40, 50, 75, 100];

/** Probes per second per target (smokeping_prober's default ping interval is 1 s). */
export const PROBES_PER_SECOND = 1;
/** Share of probes in the slow tail, and how much slower they are than the median. */
const TAIL_SHARE = 0.03;
const TAIL_FACTOR = 2.5;
/** Spread (σ of ln RTT) of the probe distribution. */
const SIGMA = 0.12;

function km(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((bLat - aLat) * rad) / 2) ** 2 +
    Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(((bLon - aLon) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** Median RTT over a fibre route of the given great-circle distance, ms. */
function rttForKm(d: number): number {
  return Math.round((0.4 + d * 1.3 * 0.01) * 1000) / 1000;
}

/** The router and the prober of center `id` standing at (lat, lon) in province `code`. */
export function planNetwork(
  seed: number,
  id: string,
  code: string,
  lat: number,
  lon: number,
  wanGbps: number,
  itRatedKw: number,
): { router: RouterPlan; prober: ProberPlan } {
  const r = rng(seed, 'network', id);
  // Mean WAN use 10–35% of the link at a mean IT load of about half the rated load.
  const meanBytesPerS = (wanGbps * 1e9 * r.range(0.1, 0.35)) / 8;
  const meanKw = Math.max(1, itRatedKw * 0.5);
  const bytesPerKwh = (meanBytesPerS * 3600) / meanKw;
  const outShare = r.range(0.35, 0.6);
  const uplinks = r.chance(0.5) ? ['HundredGigE0/0/0/0', 'HundredGigE0/0/0/1'] : ['HundredGigE0/0/0/0'];
  const first = uplinks.length === 2 ? r.range(0.4, 0.6) : 1;
  const router: RouterPlan = {
    id: `${id}-router-01`,
    kind: 'router',
    uplinks,
    split: uplinks.length === 2 ? [first, 1 - first] : [1],
    bytesInPerKwh: bytesPerKwh * (1 - outShare),
    bytesOutPerKwh: bytesPerKwh * outShare,
  };

  const all = provinces();
  const own = all.find((p) => p.code === code)!;
  const octet = (n: number) => (n % 250) + 1;
  const targets: ProbeTarget[] = [];
  // City: the metro internet exchange and a neighbouring center, a few km of fibre away.
  targets.push({
    host: `ix.${own.abbr.toLowerCase()}.city.probe`,
    ip: `10.${octet(Number(code))}.0.1`,
    class: 'city',
    rttMs: Math.round(r.range(0.25, 0.6) * 1000) / 1000,
  });
  targets.push({
    host: `dc.${own.abbr.toLowerCase()}.city.probe`,
    ip: `10.${octet(Number(code))}.0.2`,
    class: 'city',
    rttMs: Math.round(r.range(0.3, 0.8) * 1000) / 1000,
  });
  // Region: two core nodes of the center's regional computing network, 60–250 km of great circle away (the
  // catalog's 5 ms regional circle is about 350 km of fibre).
  for (const n of [1, 2]) {
    targets.push({
      host: `core${n}.${own.abbr.toLowerCase()}.region.probe`,
      ip: `10.${octet(Number(code))}.1.${n}`,
      class: 'region',
      rttMs: rttForKm(r.range(60, 250)),
    });
  }
  // Hub: the three nearest national hub nodes other than the center's own province.
  const hubProvinces = [...new Set(clusters().map((c) => c.province))].filter((pc) => pc !== code);
  const hubs = hubProvinces
    .map((pc) => all.find((p) => p.code === pc)!)
    .map((p) => ({ p, d: km(lat, lon, p.lat, p.lon) }))
    .sort((a, b) => a.d - b.d);
  for (const { p, d } of hubs.slice(0, 3)) {
    targets.push({
      host: `hub.${p.abbr.toLowerCase()}.hub.probe`,
      ip: `10.${octet(Number(p.code))}.2.1`,
      class: 'hub',
      rttMs: rttForKm(d),
    });
  }
  return { router, prober: { id: `${id}-smokeping-01`, kind: 'smokeping', targets } };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Share of a target's probes with RTT ≤ `ms`. */
export function rttShareAtMost(target: ProbeTarget, ms: number): number {
  if (ms <= 0) return 0;
  const main = phi(Math.log(ms / target.rttMs) / SIGMA);
  const tail = phi(Math.log(ms / (target.rttMs * TAIL_FACTOR)) / SIGMA);
  return (1 - TAIL_SHARE) * main + TAIL_SHARE * tail;
}

/** Mean RTT of a target's probes, ms (log-normal mean of both parts). */
export function rttMeanMs(target: ProbeTarget): number {
  const m = Math.exp((SIGMA * SIGMA) / 2);
  return target.rttMs * m * (1 - TAIL_SHARE + TAIL_SHARE * TAIL_FACTOR);
}

/**
 * Cumulative probe counts of one target since `fromS` (simulated seconds) at `nowS`: how many probes were sent,
 * and for each upper bound (ms) how many answered within it. Counts are integers that never decrease in time
 * or in the bound, as a Prometheus histogram's are, and so does every bucket's own count: each bucket's share of
 * the probes is floored on its own and the cumulative counts are their running sums. (Flooring the cumulative
 * counts instead lets two neighbouring floors differ by one the other way, so an interval's bucket could come
 * out at −1.) The probes that no bucket's floor took are lost, as a few probes of a real prober are.
 */
export function probeCounts(
  target: ProbeTarget,
  fromS: number,
  nowS: number,
  boundsMs: readonly number[],
): { count: number; le: number[]; sumS: number } {
  const sent = Math.max(0, Math.floor((nowS - fromS) * PROBES_PER_SECOND));
  const le: number[] = [];
  let answered = 0;
  let shareBelow = 0;
  for (const b of boundsMs) {
    const share = Math.max(shareBelow, rttShareAtMost(target, b));
    answered += Math.floor(sent * (share - shareBelow));
    shareBelow = share;
    le.push(answered);
  }
  const count = answered + Math.floor(sent * (1 - shareBelow));
  return { count, le, sumS: (count * rttMeanMs(target)) / 1000 };
}
