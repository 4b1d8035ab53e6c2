/** @module Pure geometry and colour for the charts: nice axis ticks, the province tile grid from lat/lon, colour ramps by direction. */

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.floor(min / step) * step;
  const out: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1]! < max) out.push(Number((out[out.length - 1]! + step).toPrecision(12)));
  return out;
}

export interface Tile {
  code: string;
  col: number;
  row: number;
}

/** Bounds of the mainland and Hainan in degrees: where the tile grid maps lat/lon from. */
const LON = [75, 132] as const;
const LAT = [18, 53] as const;

/**
 * A hand-drawn tile grid of China's 31 provincial units (8 columns × 8 rows) by GB/T 2260 code: each
 * tile keeps its neighbours roughly where a reader expects them, which a plain projection of the
 * capitals cannot (Beijing, Tianjin and Hebei would overlap).
 */
export const CHINA_TILES: Readonly<Record<string, readonly [col: number, row: number]>> = {
  23: [6, 0],
  15: [3, 1],
  11: [4, 1],
  21: [5, 1],
  22: [6, 1],
  65: [0, 2],
  62: [1, 2],
  64: [2, 2],
  14: [3, 2],
  13: [4, 2],
  12: [5, 2],
  63: [1, 3],
  61: [2, 3],
  41: [3, 3],
  37: [4, 3],
  54: [0, 4],
  51: [1, 4],
  50: [2, 4],
  42: [3, 4],
  34: [4, 4],
  32: [5, 4],
  53: [1, 5],
  52: [2, 5],
  43: [3, 5],
  36: [4, 5],
  33: [5, 5],
  31: [6, 5],
  45: [2, 6],
  44: [3, 6],
  35: [4, 6],
  46: [3, 7],
};

/**
 * Places provinces on the grid: the hand-drawn cell when there is one, otherwise the free cell nearest
 * to the capital's projected lat/lon (a catalog that adds a region still gets a sensible tile).
 */
export function tileLayout(provinces: Array<{ code: string; lat: number; lon: number }>, cols = 8, rows = 8): Tile[] {
  const taken = new Set<string>();
  const out: Tile[] = [];
  const rest: typeof provinces = [];
  for (const p of provinces) {
    const fixed = CHINA_TILES[p.code];
    if (fixed && fixed[0] < cols && fixed[1] < rows && !taken.has(`${fixed[0]},${fixed[1]}`)) {
      taken.add(`${fixed[0]},${fixed[1]}`);
      out.push({ code: p.code, col: fixed[0], row: fixed[1] });
    } else rest.push(p);
  }
  for (const p of rest) {
    const x = ((p.lon - LON[0]) / (LON[1] - LON[0])) * (cols - 1);
    const y = ((LAT[1] - p.lat) / (LAT[1] - LAT[0])) * (rows - 1);
    let best: { col: number; row: number; d: number } | undefined;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        if (taken.has(`${c},${r}`)) continue;
        const d = (c - x) ** 2 + (r - y) ** 2;
        if (!best || d < best.d - 1e-9) best = { col: c, row: r, d };
      }
    }
    if (!best) throw new RangeError(`tile grid ${cols}×${rows} is too small for ${provinces.length} provinces`);
    taken.add(`${best.col},${best.row}`);
    out.push({ code: p.code, col: best.col, row: best.row });
  }
  return out.sort((a, b) => a.code.localeCompare(b.code));
}

/** Colour of t in [0, 1] on a red → amber → green ramp (1 is best). */
export function goodBad(t: number): string {
  const stops = [
    [200, 62, 50],
    [236, 176, 54],
    [46, 150, 92],
  ] as const;
  const x = Math.min(1, Math.max(0, t)) * 2;
  const i = Math.min(1, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  const mix = (k: number) => Math.round(a[k]! + (b[k]! - a[k]!) * f);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

/** Colour of t in [0, 1] on a light → dark blue ramp (for monitored indicators with no better end). */
export function sequential(t: number): string {
  const x = Math.min(1, Math.max(0, t));
  const a = [222, 235, 247];
  const b = [33, 102, 172];
  return `rgb(${a.map((v, k) => Math.round(v + (b[k]! - v) * x)).join(', ')})`;
}

/** A colour function for values in [min, max], honouring the indicator's direction. */
export function colorFor(direction: string, min: number, max: number): (v: number) => string {
  const span = max - min;
  const norm = (v: number) => (span > 0 ? (v - min) / span : 0.5);
  if (direction === 'lower') return (v) => goodBad(1 - norm(v));
  if (direction === 'higher') return (v) => goodBad(norm(v));
  return (v) => sequential(norm(v));
}

/** Units that step by a thousand (kWh → MWh → GWh …): each with its size in the smallest one. */
const LADDERS: ReadonlyArray<ReadonlyArray<readonly [unit: string, size: number]>> = [
  [
    ['kWh', 1],
    ['MWh', 1e3],
    ['GWh', 1e6],
    ['TWh', 1e9],
  ],
  [
    ['kW', 1],
    ['MW', 1e3],
    ['GW', 1e6],
  ],
  [
    ['TFLOPS', 1],
    ['PFLOPS', 1e3],
    ['EFLOPS', 1e6],
  ],
  [
    ['TFLOPS·h', 1],
    ['PFLOPS·h', 1e3],
    ['EFLOPS·h', 1e6],
  ],
  [
    ['TB', 1],
    ['PB', 1e3],
    ['EB', 1e6],
  ],
  [
    ['kg', 1],
    ['t', 1e3],
  ],
];

/**
 * The unit to show values up to `maxAbs` (given in `unit`) in: a smaller step of the unit's ladder when they are
 * below 1 (0.0004 GWh reads 400 MWh … down to kWh), the unit itself otherwise. `factor` converts a value into it.
 */
export function readableUnit(unit: string, maxAbs: number): { unit: string; factor: number } {
  const ladder = LADDERS.find((l) => l.some(([u]) => u === unit));
  if (!ladder || !(maxAbs > 0) || maxAbs >= 1) return { unit, factor: 1 };
  const size = ladder.find(([u]) => u === unit)![1];
  const smaller = ladder.filter(([, s]) => s < size).sort((a, b) => b[1] - a[1]);
  let best: { unit: string; factor: number } = { unit, factor: 1 };
  for (const [u, s] of smaller) {
    best = { unit: u, factor: size / s };
    if (maxAbs * best.factor >= 1) break;
  }
  return best;
}

/** Decimals a tick label needs so that ticks `step` apart read differently (0.25 → 2, 5 → 0, 0.0005 → 4). */
export function tickDecimals(step: number): number {
  if (!(step > 0)) return 0;
  for (let d = 0; d < 12; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-9 * 10 ** d) return d;
  return 12;
}
