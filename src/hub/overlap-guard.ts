/**
 * @module Refuses telemetry that overlaps telemetry of the same center: within a batch, against batches in
 * flight, and against storage (either store). Overlapping records would be counted twice by the engine.
 *
 * Checking storage for every record would cost a query per push, so the guard remembers, per center,
 * the latest intervals it accepted and where the older ones end:
 *
 *   from      every telemetry record of the center starting at or after `from` is reflected below
 *   floorEnd  the latest end among those records that are not in `recent`
 *   recent    the RECENT latest-starting intervals accepted (flattened start, end pairs, by start)
 *
 * A record that starts after `floorEnd`, overlaps nothing in `recent` and starts at least one longest
 * interval after `from` cannot overlap anything stored: that is the common case (a center's next
 * interval), decided without a query. Anything else (a late record, a replay, a center seen for the
 * first time since the hub started) is checked against storage: records that start up to one longest
 * interval (an hour) before it and before its end. Accepted intervals are reserved at once, before the
 * write, so two requests in flight cannot both claim overlapping intervals; a failed write gives them back.
 *
 * One hub sees the pushes it accepts. Hubs sharing one store behind a load balancer each know their
 * own: an overlap split across two of them is found only when the later push takes the storage path.
 */
import type { Storage } from '../storage/types.ts';
import { TELEMETRY_MAX_INTERVAL_MS } from '../records/parse.ts';

/** Latest intervals remembered per center; a push arriving up to this many intervals out of order stays on the fast path. */
const RECENT = 16;

/** A telemetry interval of a batch, by its index in the request. */
export interface Claim {
  index: number;
  center: string;
  startMs: number;
  endMs: number;
}

/** Why a claimed interval was refused. */
export interface Conflict {
  index: number;
  /** The interval it overlaps and where that one is (stored, in this request, or in another request in flight). */
  other: { startMs: number; endMs: number; where: 'stored' | 'request' | 'in flight'; index?: number };
}

interface Known {
  from: number;
  floorEnd: number;
  recent: number[];
}

export class OverlapGuard {
  private readonly storage: Storage;
  private readonly maxIntervalMs: number;
  private readonly known = new Map<string, Known>();
  /** Intervals reserved by requests whose writes have not finished, by center. */
  private readonly inFlight = new Map<string, Set<Claim>>();

  constructor(storage: Storage, maxIntervalMs = TELEMETRY_MAX_INTERVAL_MS) {
    this.storage = storage;
    this.maxIntervalMs = maxIntervalMs;
  }

  /**
   * Checks a batch's telemetry intervals and reserves those that do not overlap. Resolves with the
   * refused ones and a `release` to call once the write has finished (`ok` false: it failed, give the
   * reservations back). Rejects (reserving nothing) when storage cannot be asked.
   */
  async claim(claims: Claim[]): Promise<{ conflicts: Conflict[]; release: (ok: boolean) => void }> {
    const conflicts: Conflict[] = [];
    const ordered = [...claims].sort((a, b) =>
      a.center < b.center ? -1 : a.center > b.center ? 1 : a.startMs - b.startMs || a.index - b.index,
    );
    // Within the request: each interval against the previous one kept of its center.
    const kept: Claim[] = [];
    // The same interval twice in a request is one write: the copy shares the fate of the one kept.
    const copies = new Map<number, number[]>();
    for (const c of ordered) {
      const prev = kept.at(-1);
      if (prev && prev.center === c.center && prev.endMs > c.startMs) {
        if (prev.startMs === c.startMs && prev.endMs === c.endMs) {
          copies.set(prev.index, [...(copies.get(prev.index) ?? []), c.index]);
          continue;
        }
        conflicts.push({
          index: c.index,
          other: { startMs: prev.startMs, endMs: prev.endMs, where: 'request', index: prev.index },
        });
        continue;
      }
      kept.push(c);
    }
    await this.learn(kept);
    // Against what the guard knows: the fast path, or a storage check for the rest.
    const slow: Claim[] = [];
    for (const c of kept) {
      const k = this.known.get(c.center)!;
      const hit = this.recentOverlap(k, c);
      if (hit) {
        // The same interval again is a replay of an accepted record (remembered intervals do not overlap).
        if (hit.startMs === c.startMs && hit.endMs === c.endMs) continue;
        conflicts.push({
          index: c.index,
          other: { ...hit, where: this.inFlightSpan(c, hit) ? 'in flight' : 'stored' },
        });
      } else if (c.startMs < k.floorEnd || c.startMs - this.maxIntervalMs < k.from) slow.push(c);
    }
    const refused = new Set(conflicts.map((c) => c.index));
    const granted = kept.filter((c) => !refused.has(c.index));
    const added = this.reserve(granted);
    if (slow.length > 0) {
      let found: Conflict[];
      try {
        found = await this.checkStorage(slow);
      } catch (err) {
        this.unreserve(granted, added);
        throw err;
      }
      const bad = new Set(found.map((c) => c.index));
      this.unreserve(
        granted.filter((c) => bad.has(c.index)),
        added,
      );
      conflicts.push(...found);
      for (const c of found) refused.add(c.index);
    }
    for (const c of [...conflicts])
      for (const copy of copies.get(c.index) ?? []) conflicts.push({ index: copy, other: c.other });
    const kept2 = granted.filter((c) => !refused.has(c.index));
    let released = false;
    return {
      conflicts: conflicts.sort((a, b) => a.index - b.index),
      release: (ok) => {
        if (released) return;
        released = true;
        if (!ok) this.unreserve(kept2, added);
        else for (const c of kept2) this.inFlight.get(c.center)?.delete(c);
      },
    };
  }

  /** Makes sure every center of the batch is known, asking storage once for the centers seen first. */
  private async learn(claims: Claim[]): Promise<void> {
    const fresh = new Map<string, number>();
    for (const c of claims)
      if (!this.known.has(c.center)) fresh.set(c.center, Math.min(fresh.get(c.center) ?? Infinity, c.startMs));
    if (fresh.size === 0) return;
    const from = Math.min(...fresh.values()) - this.maxIntervalMs;
    const latest = await this.storage.latestTelemetry([...fresh.keys()], from);
    for (const center of fresh.keys()) {
      if (this.known.has(center)) continue; // learnt meanwhile by a concurrent request
      const l = latest.get(center);
      // Stored telemetry does not overlap: everything before the latest record ends by its start.
      this.known.set(center, {
        from,
        floorEnd: l ? l.startMs : -Infinity,
        recent: l ? [l.startMs, l.endMs] : [],
      });
    }
  }

  /** The remembered interval `c` overlaps, if any. */
  private recentOverlap(k: Known, c: Claim): { startMs: number; endMs: number } | undefined {
    const r = k.recent;
    for (let i = 0; i < r.length; i += 2)
      if (r[i]! < c.endMs && r[i + 1]! > c.startMs) return { startMs: r[i]!, endMs: r[i + 1]! };
    return undefined;
  }

  /** Another request's reserved claim with exactly this interval, if one is in flight. */
  private inFlightSpan(c: Claim, span: { startMs: number; endMs: number }): Claim | undefined {
    for (const f of this.inFlight.get(c.center) ?? [])
      if (f !== c && f.startMs === span.startMs && f.endMs === span.endMs) return f;
    return undefined;
  }

  /** Reserves the claims: in flight, and remembered as the center's latest intervals. Returns those it added to memory. */
  private reserve(claims: Claim[]): Set<Claim> {
    const added = new Set<Claim>();
    for (const c of claims) {
      let set = this.inFlight.get(c.center);
      if (!set) this.inFlight.set(c.center, (set = new Set()));
      set.add(c);
      const k = this.known.get(c.center)!;
      const r = k.recent;
      if (r.length > 0 && c.startMs < r[0]!) {
        // Older than every remembered interval: only the floor can tell of it.
        k.floorEnd = Math.max(k.floorEnd, c.endMs);
        continue;
      }
      let at = r.length;
      while (at > 0 && r[at - 2]! > c.startMs) at -= 2;
      if (r[at - 2] === c.startMs && r[at - 1] === c.endMs) continue; // a replay: already remembered
      r.splice(at, 0, c.startMs, c.endMs);
      added.add(c);
      if (r.length > 2 * RECENT) k.floorEnd = Math.max(k.floorEnd, r.splice(0, 2)[1]!);
    }
    return added;
  }

  /** Gives reservations back: no longer in flight, and forgotten when this request put them in memory. */
  private unreserve(claims: Claim[], added: Set<Claim>): void {
    for (const c of claims) {
      this.inFlight.get(c.center)?.delete(c);
      if (!added.has(c)) continue;
      added.delete(c);
      const r = this.known.get(c.center)!.recent;
      for (let i = 0; i < r.length; i += 2)
        if (r[i] === c.startMs && r[i + 1] === c.endMs) {
          r.splice(i, 2);
          break;
        }
    }
  }

  /** Storage's word on intervals the memory cannot vouch for: stored records that overlap them (a replay of the same interval does not). */
  private async checkStorage(claims: Claim[]): Promise<Conflict[]> {
    let fromMs = Infinity;
    let toMs = -Infinity;
    for (const c of claims) {
      fromMs = Math.min(fromMs, c.startMs - this.maxIntervalMs);
      toMs = Math.max(toMs, c.endMs);
    }
    const centers = [...new Set(claims.map((c) => c.center))];
    const stored = await this.storage.queryRecords({ fromMs, toMs, centers, source: 'telemetry' });
    const byCenter = new Map<string, Array<{ startMs: number; endMs: number }>>();
    for (const s of stored) {
      const list = byCenter.get(s.center) ?? [];
      list.push({ startMs: s.startMs, endMs: s.endMs });
      byCenter.set(s.center, list);
    }
    const out: Conflict[] = [];
    const overlaps = (s: { startMs: number; endMs: number }, c: Claim) =>
      s.startMs < c.endMs && s.endMs > c.startMs && !(s.startMs === c.startMs && s.endMs === c.endMs);
    for (const c of claims) {
      const hit = (byCenter.get(c.center) ?? []).find((s) => overlaps(s, c));
      if (hit) {
        out.push({ index: c.index, other: { ...hit, where: 'stored' } });
        continue;
      }
      // Other requests' intervals not yet stored (and no longer among the remembered ones).
      for (const f of this.inFlight.get(c.center) ?? [])
        if (f !== c && overlaps(f, c)) {
          out.push({ index: c.index, other: { startMs: f.startMs, endMs: f.endMs, where: 'in flight' } });
          break;
        }
    }
    return out;
  }
}
