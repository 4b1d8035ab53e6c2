/**
 * @module Scheduled reports: node-cron jobs (Asia/Shanghai by default) that write every province's monthly
 * report after the month closes and its quarterly report after the quarter closes, plus the national
 * report, into a folder with an index file.
 *
 * A failed report is retried with backoff; each outcome goes to `hooks.onReport`, which the hub wires
 * to its metrics. The generation time is the job's fire time, passed in, so re-running a batch for the
 * same instant rewrites byte-identical files. Files are written to a temporary name and renamed, so a
 * reader never sees half a report, and the index lists only files that exist.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import type { Lang } from '../catalog/docs.ts';
import type { ReportInputs } from './inputs.ts';
import { DEFAULT_TZ, periodName, previousPeriod } from '../model/periods.ts';
import { buildReport, reportFileName, type ReportFormat, type ReportPeriodKind } from './model.ts';
import { CONTENT_TYPES, renderModel } from './render.ts';
import type { ReportFile, ReportKey } from './cache.ts';
import type { FormConfig } from './types.ts';
import type { DeliveryConfig } from './delivery/config.ts';
import { deliverBatch } from './delivery/deliver.ts';
import { LEVELS, word } from './text.ts';

export interface ScheduleConfig {
  /** Folder the reports and index.json are written to. */
  dir: string;
  formats?: ReportFormat[];
  langs?: Lang[];
  /** Provinces to report on (default every province of the catalog). */
  provinces?: string[];
  /** Also write the national report (default true). */
  nation?: boolean;
  /** Small-cell suppression in the national report (default true: scheduled files get passed on). */
  suppress?: boolean;
  tz?: string;
  /** Cron expressions; after the engine has closed the period. Empty string disables a job. */
  monthly?: string;
  quarterly?: string;
  yearly?: string;
  /** Retries after a failed attempt (default 3), first delay (default 60 s, doubling). */
  retries?: number;
  retryDelayMs?: number;
  /** The statistical form header printed on every cover. */
  form?: FormConfig;
  /** Deliver each batch by e-mail and to group-chat robots. */
  delivery?: DeliveryConfig;
}

/** Monthly at 03:30 on the 1st, quarterly at 04:00 on the 1st of Jan, Apr, Jul, Oct; yearly is off unless configured. */
export const DEFAULT_SCHEDULE = { monthly: '30 3 1 * *', quarterly: '0 4 1 1,4,7,10 *' } as const;

export interface ReportEvent {
  kind: ReportPeriodKind;
  period: string;
  scope: string;
  format: ReportFormat;
  lang: Lang;
  result: 'ok' | 'error';
  attempts: number;
  ms: number;
  file?: string;
  error?: string;
}

export interface ScheduleHooks {
  /** One call per report (after its last attempt): the hub counts these in its metrics. */
  onReport?(e: ReportEvent): void;
  /** One call per batch. */
  onBatch?(b: BatchResult): void;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
  /** Each report rendered (the hub keeps them for downloads of the same report). */
  rendered?(key: ReportKey, report: ReportFile): void;
  /** Waits between attempts (tests pass an instant one). */
  sleep?(ms: number): Promise<void>;
  now?(): number;
}

export interface IndexEntry {
  kind: ReportPeriodKind;
  period: string;
  scope: string;
  lang: Lang;
  format: ReportFormat;
  /** Relative to the folder. */
  file: string;
  status: 'ok' | 'failed';
  generated_at: string;
  bytes?: number;
  sha256?: string;
  attempts: number;
  error?: string;
}

export interface BatchResult {
  kind: ReportPeriodKind;
  period: string;
  ok: number;
  failed: number;
  entries: IndexEntry[];
}

export const INDEX_FILE = 'index.json';

function writeAtomic(file: string, body: Buffer | string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, body);
  renameSync(tmp, file);
}

/** Reads the folder's index (empty when absent). */
export function readIndex(dir: string): IndexEntry[] {
  const file = path.join(dir, INDEX_FILE);
  if (!existsSync(file)) return [];
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { reports?: IndexEntry[] };
  return doc.reports ?? [];
}

function entryKey(e: Pick<IndexEntry, 'kind' | 'period' | 'scope' | 'lang' | 'format'>): string {
  return `${e.kind}|${e.period}|${e.scope}|${e.lang}|${e.format}`;
}

/** Merges entries into the index: the newest outcome of each (period, scope, lang, format) wins; sorted. */
function updateIndex(dir: string, entries: IndexEntry[]): void {
  const by = new Map(readIndex(dir).map((e) => [entryKey(e), e]));
  for (const e of entries) {
    // A failed retry must not hide a good file written earlier for the same report.
    const prev = by.get(entryKey(e));
    if (e.status === 'failed' && prev?.status === 'ok') continue;
    by.set(entryKey(e), e);
  }
  const reports = [...by.values()].sort((a, b) => (entryKey(a) < entryKey(b) ? -1 : entryKey(a) > entryKey(b) ? 1 : 0));
  writeAtomic(path.join(dir, INDEX_FILE), `${JSON.stringify({ reports }, null, 2)}\n`);
}

type Written = Array<{ format: ReportFormat; file: string; body: Buffer }>;

interface ScopeJob {
  inputs: ReportInputs;
  cfg: ScheduleConfig;
  kind: ReportPeriodKind;
  period: string;
  generatedAt: string;
  hooks: ScheduleHooks;
}

/** One scope and language: the model built once and rendered in each format, written; retried with doubling delays. */
async function writeScope(
  j: ScopeJob,
  scope: string,
  lang: Lang,
): Promise<{ written?: Written; attempts: number; error?: unknown }> {
  const { cfg, hooks } = j;
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retries = cfg.retries ?? 3;
  const suppress = cfg.suppress ?? true;
  let attempts = 0;
  let error: unknown;
  for (let delay = cfg.retryDelayMs ?? 60_000; attempts <= retries; delay *= 2) {
    attempts++;
    try {
      const req = {
        scope,
        period: j.period,
        lang,
        generatedAt: j.generatedAt,
        suppress,
        ...(cfg.form ? { form: cfg.form } : {}),
      };
      const model = await buildReport(j.inputs, req);
      const out: Written = [];
      for (const format of cfg.formats ?? ['xlsx']) {
        const fileName = reportFileName(scope, j.period, lang, format);
        const body = await renderModel(model, format);
        out.push({ format, file: path.join(j.kind, j.period, fileName), body });
        hooks.rendered?.(
          { scope, period: j.period, format, lang, suppress },
          { body, contentType: CONTENT_TYPES[format], fileName },
        );
      }
      for (const o of out) writeAtomic(path.join(cfg.dir, o.file), o.body);
      return { written: out, attempts };
    } catch (err) {
      error = err;
      hooks.log?.('warn', `report ${scope} ${j.period} ${lang}: attempt ${attempts} failed: ${(err as Error).message}`);
      if (attempts <= retries) await sleep(delay);
    }
  }
  return { attempts, error };
}

/** The index entry of one file of a scope's outcome. */
function indexEntry(
  j: ScopeJob,
  o: { scope: string; lang: Lang; format: ReportFormat; attempts: number; written?: Written; error?: unknown },
): IndexEntry {
  const w = o.written?.find((x) => x.format === o.format);
  const base = {
    kind: j.kind,
    period: j.period,
    scope: o.scope,
    lang: o.lang,
    format: o.format,
    file: path.join(j.kind, j.period, reportFileName(o.scope, j.period, o.lang, o.format)),
    generated_at: j.generatedAt,
    attempts: o.attempts,
  };
  return w
    ? { ...base, status: 'ok', bytes: w.body.length, sha256: createHash('sha256').update(w.body).digest('hex') }
    : { ...base, status: 'failed', error: String((o.error as Error)?.message ?? o.error) };
}

/**
 * Writes every report of one period (each scope × language; one model per scope and language, rendered
 * in each format) and updates the index. Never throws for a failed report: it is retried, then recorded.
 */
export async function runReportBatch(
  inputs: ReportInputs,
  cfg: ScheduleConfig,
  kind: ReportPeriodKind,
  period: string,
  hooks: ScheduleHooks = {},
): Promise<BatchResult> {
  const generatedAt = new Date((hooks.now ?? Date.now)()).toISOString();
  const job: ScopeJob = { inputs, cfg, kind, period, generatedAt, hooks };
  const scopes = [
    ...(cfg.provinces ?? inputs.catalog.provinces.map((p) => p.code).sort()),
    ...(cfg.nation === false ? [] : ['nation']),
  ];
  const entries: IndexEntry[] = [];
  for (const scope of scopes) {
    for (const lang of cfg.langs ?? ['zh']) {
      const t0 = performance.now();
      const outcome = await writeScope(job, scope, lang);
      const ms = performance.now() - t0;
      for (const format of cfg.formats ?? ['xlsx']) {
        const entry = indexEntry(job, { scope, lang, format, ...outcome });
        entries.push(entry);
        const ok = entry.status === 'ok';
        const e = { kind, period, scope, format, lang, attempts: outcome.attempts, ms };
        hooks.onReport?.({
          ...e,
          result: ok ? 'ok' : 'error',
          ...(ok ? { file: entry.file } : { error: entry.error! }),
        });
        if (!ok)
          hooks.log?.(
            'error',
            `report ${scope} ${period} ${lang} ${format} failed after ${outcome.attempts} attempts: ${entry.error}`,
          );
      }
    }
  }
  updateIndex(cfg.dir, entries);
  const result: BatchResult = {
    kind,
    period,
    ok: entries.filter((e) => e.status === 'ok').length,
    failed: entries.filter((e) => e.status === 'failed').length,
    entries,
  };
  hooks.onBatch?.(result);
  hooks.log?.(
    result.failed ? 'warn' : 'info',
    `reports ${kind} ${period}: ${result.ok} written, ${result.failed} failed, in ${cfg.dir}`,
  );
  return result;
}

/** The period a job firing at `ms` reports on: the one that just closed. */
export function closedPeriod(kind: ReportPeriodKind, ms: number, tz: string = DEFAULT_TZ): string {
  return previousPeriod(kind, periodName(kind, ms, tz), tz);
}

export interface ReportScheduler {
  tasks: ScheduledTask[];
  /** Runs one batch now (admin re-run after late records). */
  run(kind: ReportPeriodKind, period: string): Promise<BatchResult>;
  /**
   * After the engine recomputed a period for late records: rewrites that period's reports when they were
   * already written (a report not yet due stays for its job). Undefined when nothing was rewritten.
   */
  refresh(kind: string, period: string): Promise<BatchResult | undefined>;
  stop(): Promise<void>;
}

/** Starts the cron jobs. Batches never overlap: a batch that is still running makes the next one wait. */
export function scheduleReports(inputs: ReportInputs, cfg: ScheduleConfig, hooks: ScheduleHooks = {}): ReportScheduler {
  const tz = cfg.tz ?? inputs.tz ?? DEFAULT_TZ;
  const now = hooks.now ?? Date.now;
  let queue: Promise<unknown> = Promise.resolve();
  const deliver = async (batch: BatchResult): Promise<BatchResult> => {
    if (!cfg.delivery) return batch;
    const scopeName = (scope: string, lang: Lang) =>
      scope === 'nation' ? word(LEVELS, 'nation', lang) : (inputs.catalog.provinceByCode.get(scope)?.[lang] ?? scope);
    await deliverBatch(batch, cfg.dir, cfg.delivery, cfg.langs ?? ['zh'], {
      scopeName,
      ...(hooks.now ? { now: hooks.now } : {}),
      ...(hooks.sleep ? { sleep: hooks.sleep } : {}),
      ...(hooks.log ? { log: hooks.log } : {}),
    }).catch((err: Error) => hooks.log?.('error', `delivery of ${batch.kind} ${batch.period} failed: ${err.message}`));
    return batch;
  };
  const run = (kind: ReportPeriodKind, period: string): Promise<BatchResult> => {
    const next = queue.then(() => runReportBatch(inputs, cfg, kind, period, hooks)).then(deliver);
    queue = next.catch(() => undefined);
    return next;
  };
  const tasks: ScheduledTask[] = [];
  const jobs: Array<[ReportPeriodKind, string, string | undefined]> = [
    ['month', 'monthly', cfg.monthly ?? DEFAULT_SCHEDULE.monthly],
    ['quarter', 'quarterly', cfg.quarterly ?? DEFAULT_SCHEDULE.quarterly],
    ['year', 'yearly', cfg.yearly ?? ''],
  ];
  for (const [kind, field, expr] of jobs) {
    if (!expr) continue;
    if (!cron.validate(expr))
      throw new Error(
        `report schedule: ${field} cron expression ${JSON.stringify(expr)} is not valid (five fields: minute hour day month weekday)`,
      );
    tasks.push(
      cron.schedule(
        expr,
        async () => {
          await run(kind, closedPeriod(kind, now(), tz));
        },
        { timezone: tz, name: `dims-report-${kind}`, noOverlap: true },
      ),
    );
  }
  return {
    tasks,
    run,
    async refresh(kind, period) {
      if (kind !== 'month' && kind !== 'quarter' && kind !== 'year') return undefined;
      if (!readIndex(cfg.dir).some((e) => e.kind === kind && e.period === period)) return undefined;
      hooks.log?.('info', `${kind} ${period} was recomputed for late records: rewriting its reports`);
      return run(kind, period);
    },
    async stop() {
      for (const t of tasks) await t.destroy();
      await queue;
    },
  };
}
