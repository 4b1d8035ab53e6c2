/**
 * @module Rendered reports kept in memory, one per request (scope, period, format, language, suppression): a
 * closed period's report asked again — by another reader of the bureau, or again after the scheduled batch
 * wrote it — is sent, not built and printed again. Requests for the same report that arrive while it is
 * being built wait for that one build.
 *
 * An entry goes when its period kind's values are stored again for its period or an earlier one (its trends,
 * previous period and year-ago comparison read those), and every entry goes when a filing arrives. Only
 * closed periods are cached (an open one changes by the minute); bounded by bytes, least recently used out.
 */
import type { Lang } from '../catalog/docs.ts';
import { periodKindOf } from '../model/periods.ts';
import type { ReportFormat } from './model.ts';
import type { RenderedReport } from './render.ts';

/** What is kept of a rendered report: the file, not the model it was rendered from. */
export type ReportFile = Pick<RenderedReport, 'body' | 'contentType' | 'fileName'>;

export interface ReportKey {
  /** A province code, `nation`, or `center:<id>`. */
  scope: string;
  period: string;
  format: ReportFormat;
  lang: Lang;
  suppress: boolean;
}

interface Entry {
  kind: string;
  period: string;
  report: ReportFile;
}

/** Default bound: a few hundred workbooks or a hundred PDFs. */
export const REPORT_CACHE_BYTES = 64 * 1024 * 1024;

export class ReportCache {
  private readonly maxBytes: number;
  private readonly entries = new Map<string, Entry>();
  private readonly building = new Map<string, Promise<ReportFile>>();
  /** Bumped by every invalidation: a build that started before one is not kept. */
  private generation = 0;
  private bytes = 0;
  readonly stats = { hits: 0, builds: 0 };

  constructor(maxBytes = REPORT_CACHE_BYTES) {
    this.maxBytes = maxBytes;
  }

  /** The report for `key`: kept, being built, or built now by `make` (and kept). */
  get(key: ReportKey, make: () => Promise<ReportFile>): Promise<ReportFile> {
    const k = keyText(key);
    const hit = this.entries.get(k);
    if (hit) {
      this.stats.hits++;
      this.entries.delete(k);
      this.entries.set(k, hit);
      return Promise.resolve(hit.report);
    }
    const pending = this.building.get(k);
    if (pending) return pending;
    this.stats.builds++;
    const gen = this.generation;
    const p = make().then(({ body, contentType, fileName }) => {
      const report = { body, contentType, fileName };
      if (gen === this.generation) this.put(k, { kind: periodKindOf(key.period) ?? '', period: key.period, report });
      return report;
    });
    this.building.set(k, p);
    const done = () => {
      if (this.building.get(k) === p) this.building.delete(k);
    };
    p.then(done, done);
    return p;
  }

  /** Keeps a report rendered elsewhere (the scheduled batch) for the requests to come. */
  set(key: ReportKey, { body, contentType, fileName }: ReportFile): void {
    const report = { body, contentType, fileName };
    this.put(keyText(key), { kind: periodKindOf(key.period) ?? '', period: key.period, report });
  }

  private put(k: string, e: Entry): void {
    const size = e.report.body.length;
    if (size > this.maxBytes) return;
    this.drop(k);
    this.entries.set(k, e);
    this.bytes += size;
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(oldest);
    }
  }

  private drop(k: string): void {
    const e = this.entries.get(k);
    if (!e) return;
    this.entries.delete(k);
    this.bytes -= e.report.body.length;
  }

  /** A period's values were stored (closed or recomputed): its reports and later ones of its kind go. */
  periodStored(kind: string, period: string): void {
    this.generation++;
    this.building.clear();
    for (const [k, e] of this.entries) if (e.kind === kind && e.period >= period) this.drop(k);
  }

  /** Everything goes (a filing arrived: "declarations missing" may change in any report). */
  clear(): void {
    this.generation++;
    this.building.clear();
    for (const k of [...this.entries.keys()]) this.drop(k);
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}

/** A province's report has no cross-province breakdown: suppression changes only the national one. */
function keyText(k: ReportKey): string {
  return `${k.scope}|${k.period}|${k.format}|${k.lang}|${k.scope === 'nation' && k.suppress ? 1 : 0}`;
}
