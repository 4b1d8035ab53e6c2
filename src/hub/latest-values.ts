/**
 * @module The newest values of each period kind, held in memory: the national overview, rankings and the
 * console's nation and province pages read these, not storage. Written by every engine run that is the
 * newest of its kind (a recompute of an older period leaves them be); a hub that just started loads a
 * period from storage once, on its first read.
 *
 * The nation's and provinces' values are kept whole (60 indicators × 32 nodes); the centers' as one column
 * of numbers per indicator (what a ranking reads), a few MB at 10,000 centers where the objects would take
 * a hundred.
 *
 * Answers built from a held period (the overview, a ranking, a node's values) are kept with it as bytes and
 * an ETag, built once on first ask and dropped with the period when a run replaces it: a request in between
 * costs sending the bytes, not rebuilding JSON over every node and indicator.
 */
import { createHash } from 'node:crypto';
import type { RegistryIndex } from '../registry/load.ts';
import type { PeriodKind, Storage, StoredValue } from '../storage/types.ts';
import type { IndicatorValue } from '../model/values.ts';
import { Turns } from '../engine/turns.ts';

interface Snapshot {
  period: string;
  /** Nation and province values, whole. */
  regions: StoredValue[];
  /** Per indicator, each center's value by registry position (NaN: null or absent). */
  centers: Map<string, Float64Array>;
  /** 1 for the centers the run has values for (those in service in the period). */
  members: Uint8Array;
  /** Answers built from this snapshot, by the route's key (in flight while being built). */
  answers: Map<string, Promise<Answer>>;
}

/** A JSON answer serialized once: its bytes and a strong ETag of them. */
export interface Answer {
  body: Buffer;
  etag: string;
}

/** Answers kept per held period: enough for every ranking a console asks of one kind, bounded against odd queries. */
const MAX_ANSWERS = 512;

/** Serializes a JSON answer as `res.json` would and tags it with a hash of its bytes. */
export function toAnswer(json: unknown): Answer {
  const body = Buffer.from(JSON.stringify(json));
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

export class LatestValues {
  private readonly registry: RegistryIndex;
  private readonly storage: Storage;
  private readonly position: Map<string, number>;
  private readonly byKind = new Map<PeriodKind, Snapshot>();
  private readonly loading = new Map<string, Promise<void>>();

  constructor(registry: RegistryIndex, storage: Storage) {
    this.registry = registry;
    this.storage = storage;
    this.position = new Map(registry.centers.map((c, i) => [c.id, i]));
  }

  /**
   * Values a run of (kind, period) computed: kept when the period is the newest of its kind seen. `stored`
   * gives a nation or province value its stored form (centers' values need only their number).
   */
  async put<V extends IndicatorValue>(
    kind: PeriodKind,
    period: string,
    values: V[],
    stored: (v: V) => StoredValue = (v) => v as unknown as StoredValue,
    turns = new Turns(),
  ): Promise<void> {
    if ((this.byKind.get(kind)?.period ?? '') > period) return;
    const regions: StoredValue[] = [];
    const centers = new Map<string, Float64Array>();
    const members = new Uint8Array(this.position.size);
    // In turns: 600,000 values at 10,000 centers held the event loop for 40–90 ms in one piece.
    for (let k = 0; k < values.length; k++) {
      if ((k & 4095) === 0 && turns.due()) await turns.take();
      const v = values[k]!;
      if (v.level !== 'center') {
        regions.push(stored(v));
        continue;
      }
      const i = this.position.get(v.code);
      if (i === undefined) continue;
      members[i] = 1;
      let col = centers.get(v.indicator);
      if (!col) centers.set(v.indicator, (col = new Float64Array(this.position.size).fill(NaN)));
      col[i] = v.value ?? NaN;
    }
    // A newer period may have been put during a turn.
    if ((this.byKind.get(kind)?.period ?? '') > period) return;
    this.byKind.set(kind, { period, regions, centers, members, answers: new Map() });
  }

  /**
   * The answer `key` of (kind, period), built by `build` the first time it is asked while that period is the
   * newest held, and kept until a run replaces it; undefined when the period is not held (the caller answers
   * from storage). Concurrent first asks share one build.
   */
  async answer(
    kind: PeriodKind,
    period: string,
    key: string,
    build: () => unknown | Promise<unknown>,
  ): Promise<Answer | undefined> {
    const s = await this.snapshot(kind, period);
    if (!s) return undefined;
    let a = s.answers.get(key);
    if (!a) {
      if (s.answers.size >= MAX_ANSWERS) s.answers.delete(s.answers.keys().next().value!);
      a = Promise.resolve().then(build).then(toAnswer);
      s.answers.set(key, a);
      const built = a;
      built.catch(() => s.answers.get(key) === built && s.answers.delete(key));
    }
    return a;
  }

  /** The held snapshot of (kind, period), loading it from storage first if it is newer than what is held. */
  private async snapshot(kind: PeriodKind, period: string): Promise<Snapshot | undefined> {
    const held = this.byKind.get(kind);
    if (held?.period === period) return held;
    if (held && held.period > period) return undefined;
    const key = `${kind}/${period}`;
    let p = this.loading.get(key);
    if (!p) {
      p = this.storage
        .queryValues({ period_kind: kind, period })
        .then(async (values) => {
          if (values.length > 0) await this.put(kind, period, values);
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    await p;
    const now = this.byKind.get(kind);
    return now?.period === period ? now : undefined;
  }

  /** Nation or province values of (kind, period), or undefined when that period is not the newest held. */
  async regions(
    kind: PeriodKind,
    period: string,
    level: 'nation' | 'province',
    filter: { codes?: string[]; indicators?: string[]; provinces?: string[] } = {},
  ): Promise<StoredValue[] | undefined> {
    const s = await this.snapshot(kind, period);
    if (!s) return undefined;
    const codes = filter.codes ? new Set(filter.codes) : undefined;
    const inds = filter.indicators ? new Set(filter.indicators) : undefined;
    const provs = filter.provinces ? new Set(filter.provinces) : undefined;
    return s.regions.filter(
      (v) =>
        v.level === level &&
        (!codes || codes.has(v.code)) &&
        (!inds || inds.has(v.indicator)) &&
        (!provs || provs.has(v.province)),
    );
  }

  /** Each center's value of one indicator for (kind, period), optionally one province's; undefined when not held. */
  async centerValues(
    kind: PeriodKind,
    period: string,
    indicator: string,
    province?: string,
  ): Promise<Array<{ code: string; value: number | null }> | undefined> {
    const s = await this.snapshot(kind, period);
    if (!s) return undefined;
    const col = s.centers.get(indicator);
    const out: Array<{ code: string; value: number | null }> = [];
    this.registry.centers.forEach((c, i) => {
      if (!s.members[i] || (province !== undefined && c.province !== province)) return;
      const x = col ? col[i]! : NaN;
      out.push({ code: c.id, value: Number.isNaN(x) ? null : x });
    });
    return out;
  }
}
