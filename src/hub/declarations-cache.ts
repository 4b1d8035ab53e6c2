/**
 * @module The deployment's declarations (filings), held in memory: every engine run needs those overlapping
 * its window and those filed before it (snapshots such as a certification stand until replaced), and a
 * real-time run every minute would otherwise read a year of filings each time. Filings are few (a center
 * files a handful a month); the cache is loaded once and dropped when a filing arrives.
 */
import type { ParsedRecord } from '../model/records.ts';
import type { Storage } from '../storage/types.ts';

const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2200, 0, 1);

export class DeclarationsCache {
  private readonly storage: Storage;
  private all: Promise<ParsedRecord[]> | undefined;
  /** Bumped by every change, so a load that raced with a filing is not kept. */
  private version = 0;

  constructor(storage: Storage) {
    this.storage = storage;
  }

  /** A filing was stored: the next read loads them again. */
  changed(): void {
    this.version++;
    this.all = undefined;
  }

  private load(): Promise<ParsedRecord[]> {
    if (this.all) return this.all;
    const v = this.version;
    const p = this.storage
      .queryRecords({ fromMs: EARLIEST_MS, toMs: LATEST_MS, source: 'declaration' })
      .then((rs) => rs.sort((a, b) => a.startMs - b.startMs));
    this.all = p;
    p.then(
      () => {
        if (this.version !== v && this.all === p) this.all = undefined;
      },
      () => {
        if (this.all === p) this.all = undefined;
      },
    );
    return p;
  }

  /** Declarations whose interval overlaps [fromMs, toMs). */
  async overlapping(fromMs: number, toMs: number): Promise<ParsedRecord[]> {
    return (await this.load()).filter((r) => r.endMs > fromMs && r.startMs < toMs);
  }

  /** Declarations that started before `beforeMs`. */
  async before(beforeMs: number): Promise<ParsedRecord[]> {
    const all = await this.load();
    const out: ParsedRecord[] = [];
    for (const r of all) {
      if (r.startMs >= beforeMs) break;
      out.push(r);
    }
    return out;
  }
}
