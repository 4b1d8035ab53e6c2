/**
 * @module The embedded store's compact row bodies: metrics, histograms, roll-up bookkeeping and a node's
 * indicator values as bytes, with names (metric ids, indicator ids, units, histogram layouts) interned in
 * a dictionary table.
 *
 * Why not JSON: a one-minute record was ~1.3 KB of JSON (the histogram bounds repeated in every row), past
 * what a SQLite page keeps inline, so each row also took a 4 KB overflow page. Bytes with interned names
 * are ~350 bytes and stay inside the page. Numbers that are integers are written as zigzag varints,
 * others as float64, so every number reads back exactly.
 */
import type { Histogram } from '../../model/records.ts';

/** Names ↔ small integers, persisted by the adapter (append-only: an id never changes meaning). */
export interface Dictionary {
  id(name: string): number;
  name(id: number): string;
}

/** An in-memory dictionary with a hook to persist each new name (the adapter inserts it into its table). */
export class InternTable implements Dictionary {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly persist: (id: number, name: string) => void;

  constructor(rows: Array<{ id: number; name: string }>, persist: (id: number, name: string) => void) {
    for (const r of rows) {
      this.ids.set(r.name, r.id);
      this.names[r.id] = r.name;
    }
    this.persist = persist;
  }

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.persist(id, name);
      this.ids.set(name, id);
      this.names[id] = name;
    }
    return id;
  }

  name(id: number): string {
    const n = this.names[id];
    if (n === undefined) throw new Error(`sqlite: body names dictionary entry ${id}, which does not exist`);
    return n;
  }
}

/** A growing byte buffer with the few encodings the bodies use. */
export class Writer {
  private buf = Buffer.allocUnsafe(1024);
  private n = 0;

  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + k));
    this.buf.copy(bigger, 0, 0, this.n);
    this.buf = bigger;
  }

  /** Unsigned LEB128 (non-negative safe integers). */
  uint(x: number): void {
    this.room(10);
    while (x >= 0x80) {
      this.buf[this.n++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    this.buf[this.n++] = x;
  }

  f64(x: number): void {
    this.room(8);
    this.buf.writeDoubleLE(x, this.n);
    this.n += 8;
  }

  /** A key (uint) with one flag bit: whether the number after it is a varint integer or a float64. */
  keyed(key: number, x: number): void {
    if (Number.isInteger(x) && Math.abs(x) < 2 ** 51 && !Object.is(x, -0)) {
      this.uint(key * 2);
      this.uint(x >= 0 ? x * 2 : -x * 2 - 1);
    } else {
      this.uint(key * 2 + 1);
      this.f64(x);
    }
  }

  /** A number alone: flag and value in the same way. */
  num(x: number): void {
    this.keyed(0, x);
  }

  bytes(): Uint8Array {
    return new Uint8Array(this.buf.subarray(0, this.n));
  }
}

export class Reader {
  private readonly buf: Buffer;
  private i = 0;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.i >= this.buf.length;
  }

  uint(): number {
    let x = 0;
    let mul = 1;
    for (;;) {
      const b = this.buf[this.i++]!;
      x += (b & 0x7f) * mul;
      if (b < 0x80) return x;
      mul *= 0x80;
    }
  }

  f64(): number {
    const x = this.buf.readDoubleLE(this.i);
    this.i += 8;
    return x;
  }

  /** Reads what `Writer.keyed` wrote: [key, number]. */
  keyed(): [number, number] {
    const k = this.uint();
    if (k & 1) return [(k - 1) / 2, this.f64()];
    const z = this.uint();
    return [k / 2, z % 2 === 0 ? z / 2 : -(z + 1) / 2];
  }

  num(): number {
    return this.keyed()[1];
  }

  /** The tag `Writer.keyed` wrote first (the key is `Math.floor(tag / 2)`); `keyedValue(tag)` reads its number. */
  keyTag(): number {
    return this.uint();
  }

  /** The number after a tag read by `keyTag`, as `keyed` reads it, without building a pair. */
  keyedValue(tag: number): number {
    if (tag & 1) return this.f64();
    const z = this.uint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
}

/** Writes `{ id: number }` as count, then key + number for each entry. */
export function writeNumbers(w: Writer, dict: Dictionary, m: Record<string, number>): void {
  const ids = Object.keys(m);
  w.uint(ids.length);
  for (const id of ids) w.keyed(dict.id(id), m[id]!);
}

export function readNumbers(r: Reader, dict: Dictionary): Record<string, number> {
  const out: Record<string, number> = {};
  for (let n = r.uint(); n > 0; n--) {
    const [k, x] = r.keyed();
    out[dict.name(k)] = x;
  }
  return out;
}

/** Histograms: count, then per histogram its layout (id and bounds, interned as one name) and counts. */
export function writeHistograms(w: Writer, dict: Dictionary, h: Record<string, Histogram> | undefined): void {
  const ids = h ? Object.keys(h).sort() : [];
  w.uint(ids.length);
  for (const id of ids) {
    const { bounds, counts } = h![id]!;
    w.uint(dict.id(`${id}\u0000${JSON.stringify(bounds)}`));
    for (const c of counts) w.num(c);
  }
}

export function readHistograms(r: Reader, dict: Dictionary): Record<string, Histogram> | undefined {
  const n = r.uint();
  if (n === 0) return undefined;
  const out: Record<string, Histogram> = {};
  for (let i = 0; i < n; i++) {
    const [id, bounds] = layoutOf(dict.name(r.uint()));
    const counts: number[] = [];
    for (let j = 0; j <= bounds.length; j++) counts.push(r.num());
    out[id] = { bounds, counts };
  }
  return out;
}

/** Histogram layouts parsed once (a few per catalog): a close reads millions of histograms. Bounds are shared, never written. */
const layouts = new Map<string, [string, number[]]>();

export function layoutOf(layout: string): [string, number[]] {
  let l = layouts.get(layout);
  if (!l) {
    const cut = layout.indexOf('\u0000');
    layouts.set(layout, (l = [layout.slice(0, cut), JSON.parse(layout.slice(cut + 1)) as number[]]));
  }
  return l;
}
