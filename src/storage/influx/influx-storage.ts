/**
 * @module Storage adapter on InfluxDB 1.x through node-influx (`influx`): the production store.
 *
 * - open() creates the database and the retention policies `raw` (DEFAULT), `recent`, `long_term`.
 * - Writes post line protocol (precision ms) to /write, at most 5,000 points per request (InfluxData's
 *   recommended batch size). A batch larger than that is several requests; if one fails the call
 *   throws, and because identity maps onto tags + time a retry of the whole batch stores each item once.
 * - Every query that carries caller input binds it as a parameter (`params`); only fixed names
 *   (measurements, retention policies, tag keys) are written into the InfluxQL text.
 * - Transient failures (connection refused/reset, timeout, HTTP 5xx) surface as StorageUnavailableError.
 */
import { InfluxDB } from 'influx';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { encodeBody, encodePoint, encodeRecord, encodeValue } from '../line-protocol.ts';
import { WriteQueue } from './write-queue.ts';
import { periodWindow } from '../../model/periods.ts';
import { recordKey } from '../../model/records.ts';
import {
  tierOf,
  type CenterReportStats,
  type PeriodKind,
  type RecordQuery,
  type Retention,
  type RollupQuery,
  type Storage,
  type StoredRecord,
  type StoredRollup,
  type StoredValue,
  type Tier,
  type TierBytes,
  type ValueQuery,
} from '../types.ts';
import { durationText, resolveRetention, type RetentionConfig } from '../retention.ts';
import { StorageInputError, StorageUnavailableError, isStorageUnavailable } from '../errors.ts';
import {
  checkRecord,
  checkRollup,
  checkValue,
  compareRecords,
  compareValues,
  lastPerKey,
  rollupKey,
  valueKey,
} from '../common.ts';
import {
  IncompleteRowError,
  MEASUREMENT_RECORD,
  MEASUREMENT_ROLLUP,
  MEASUREMENT_VALUE,
  RP_OF_TIER,
  ROLLUP_FIELDS,
  RP_RAW,
  retentionPolicyFor,
  rollupToPoint,
  rowsOf,
  rowToRecord,
  rowToRollup,
  rowToValue,
  type Row,
} from './schema.ts';

export interface InfluxStorageOptions {
  /** Base URL of the InfluxDB HTTP API, e.g. http://127.0.0.1:8086. */
  url: string;
  database: string;
  username?: string;
  password?: string;
  /** Retention durations per tier as InfluxQL literals (`35d`, `52w`, `INF`); one retention policy each. */
  retention?: RetentionConfig;
  /** Per-request timeout (default 10 s): past it the store counts as unavailable. */
  requestTimeoutMs?: number;
  /** Points per write request (default and maximum 5,000). */
  batchSize?: number;
  /** Write requests in flight at a time; writes arriving meanwhile are joined (see write-queue.ts). Default 2. */
  writeConcurrency?: number;
  /** Centers per page of `rollupPages` (default 200). */
  rollupPageCenters?: number;
  /**
   * Indicators per read of a whole period's values (default 2: 20,000 values, about 14 MB of JSON, at 10,000
   * centers).
   */
  valuePageIndicators?: number;
}

export const MAX_POINTS_PER_REQUEST = 5000;
/** Points a write request needs to go while another is in flight (see write-queue.ts). */
const MIN_EXTRA_POINTS = 2000;
/**
 * Waits before each new read of a query whose answer held a point still being written (IncompleteRowError):
 * InfluxDB makes a point's fields visible one by one while its write runs, which takes milliseconds. A point
 * still incomplete after these (about 1.3 s in all) was written without the field, and the read fails.
 */
const INCOMPLETE_RETRY_MS = [5, 20, 50, 100, 200, 400, 500];
/** The select list of roll-up reads: the compact fields by name, never `*`. */
const ROLLUP_SELECT = ROLLUP_FIELDS.map((f) => `"${f}"`).join(', ');
/** Filter values per query: long OR lists are split so a query stays well inside URL/body limits. */
const MAX_FILTER_VALUES = 200;

const DB_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ESOCKETTIMEDOUT',
  'UND_ERR_SOCKET',
]);

/**
 * Maps node-influx failures: its ServiceNotAvailableError (5xx, timeouts) and socket errors mean
 * "try again"; a RequestError (4xx: bad query, field type conflict, auth) is a real error.
 */
function mapError(err: unknown, what: string, status?: number): Error {
  const e = err as { name?: string; code?: string; message?: string; res?: { statusCode?: number } };
  const message = e?.message ?? String(err);
  // node-influx does not export its error classes and leaves their `name` as 'Error'.
  const kind = (err as object | null)?.constructor?.name ?? '';
  const transient =
    kind === 'ServiceNotAvailableError' ||
    (typeof e?.code === 'string' && UNAVAILABLE_CODES.has(e.code)) ||
    /socket hang up|No host available|timed out/i.test(message) ||
    (e?.res?.statusCode ?? 0) >= 500;
  if (transient) return new StorageUnavailableError(`influxdb unavailable during ${what}: ${message}`);
  // node-influx's RequestError carries the whole request and response; keep only its message.
  if (/beyond retention policy/.test(message)) {
    return new StorageInputError(
      `influxdb ${what}: some points are older than the retention policy and were dropped: ${message}`,
    );
  }
  if (kind === 'RequestError' || status !== undefined)
    return new Error(`influxdb ${what}: ${status !== undefined ? `HTTP ${status} ` : ''}${message}`);
  return err instanceof Error ? err : new Error(message);
}

/** Never disables the (single) host: each request tries the server, so recovery is seen at once. */
const noBackoff = {
  getDelay: () => 0,
  next() {
    return noBackoff;
  },
  reset() {
    return noBackoff;
  },
};

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * POSTs one body with node:http(s). Writes use this rather than fetch, which copies the body and
 * cost about four times the CPU per 300 KB request: at ingest rates that is CPU taken from InfluxDB.
 * Rejects with the socket error, or a "timed out" error after `timeoutMs`.
 */
function post(
  url: string,
  headers: Record<string, string>,
  body: Uint8Array,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const signal = AbortSignal.timeout(timeoutMs);
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, signal },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', (err) => reject(signal.aborted ? new Error(`timed out after ${timeoutMs} ms`) : err));
      },
    );
    req.on('error', (err) => reject(signal.aborted ? new Error(`timed out after ${timeoutMs} ms`) : err));
    req.end(body);
  });
}

/**
 * The instants InfluxDB can hold: int64 nanoseconds, 1677-09-21T00:12:43.145224194Z to
 * 2262-04-11T23:47:16.854775806Z. A query bound outside is refused ("time … underflows time literal").
 */
const FIRST_MS = -9_223_372_036_854;
const LAST_MS = 9_223_372_036_854;

/** A window's bounds as InfluxDB can take them: clamped to its time range; undefined when nothing can lie inside. */
function bounds(fromMs: number, toMs: number): { from: string; to: string } | undefined {
  const from = Math.max(fromMs, FIRST_MS);
  const to = Math.min(toMs, LAST_MS);
  return to > from ? { from: iso(from), to: iso(to) } : undefined;
}

/**
 * Where the values of a named period can lie in time (a value's time is its period's start): the name read as UTC,
 * widened by the farthest time zones, whichever zone the hub names periods in. With it InfluxDB reads that time's
 * shards only; `period` is a field, so a query by name alone read every period of the kind ever stored, and
 * took seconds at 1,000 centers. Undefined for the rolling window's values and names that are not periods.
 */
function namedPeriodStarts(kind: PeriodKind, period: string): { fromMs: number; toMs: number } | undefined {
  if (kind === 'realtime') return undefined;
  let start: number;
  try {
    start = periodWindow(kind, period, 'UTC').fromMs;
  } catch {
    return undefined;
  }
  return Number.isFinite(start) ? { fromMs: start - 14 * 3_600_000, toMs: start + 12 * 3_600_000 + 1 } : undefined;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Builds `("key" = $p0 OR "key" = $p1 …)` with the values bound as parameters. */
function orEquals(key: string, prefix: string, values: readonly string[], params: Record<string, string>): string {
  const terms = values.map((v, i) => {
    params[`${prefix}${i}`] = v;
    return `"${key}" = $${prefix}${i}`;
  });
  return `(${terms.join(' OR ')})`;
}

/** Roll-ups by start, then center (the order both stores return). */
function compareRollups(a: StoredRollup, b: StoredRollup): number {
  return a.startMs - b.startMs || (a.center < b.center ? -1 : a.center > b.center ? 1 : 0);
}

export class InfluxStorage implements Storage {
  readonly kind = 'influxdb' as const;
  readonly database: string;
  readonly retention: Retention;
  private readonly client: InfluxDB;
  private readonly batchSize: number;
  private readonly writeUrl: string;
  private readonly writeHeaders: Record<string, string>;
  /** Where the newest write InfluxDB refused (full disk, unavailable) went: the readiness probe writes there. */
  private refused: { retentionPolicy: string; timeMs: number } | undefined;
  private readonly timeoutMs: number;
  private readonly writeConcurrency: number;
  private readonly rollupPageCenters: number;
  private readonly valuePageIndicators: number;
  /** One queue per retention policy (a request writes into one). */
  private readonly queues = new Map<string, WriteQueue>();

  constructor(options: InfluxStorageOptions) {
    if (!DB_NAME_RE.test(options.database)) {
      throw new StorageInputError(`influxdb: database name "${options.database}" must match ${DB_NAME_RE}`);
    }
    try {
      this.retention = resolveRetention(options.retention);
    } catch (err) {
      throw new StorageInputError(`influxdb: ${(err as Error).message}`);
    }
    this.database = options.database;
    this.batchSize = Math.max(1, Math.min(options.batchSize ?? MAX_POINTS_PER_REQUEST, MAX_POINTS_PER_REQUEST));
    const url = new URL(options.url);
    const protocol = url.protocol === 'https:' ? 'https' : 'http';
    const host: { host: string; port: number; protocol: 'http' | 'https'; path?: string } = {
      host: url.hostname,
      port: Number(url.port || (protocol === 'https' ? 443 : 80)),
      protocol,
    };
    if (url.pathname && url.pathname !== '/') host.path = url.pathname.replace(/\/$/, '');
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.writeConcurrency = Math.max(1, options.writeConcurrency ?? 2);
    this.rollupPageCenters = Math.max(1, Math.min(options.rollupPageCenters ?? MAX_FILTER_VALUES, MAX_FILTER_VALUES));
    this.valuePageIndicators = Math.max(1, options.valuePageIndicators ?? 2);
    this.writeUrl = `${url.origin}${host.path ?? ''}/write?db=${encodeURIComponent(options.database)}&precision=ms&rp=`;
    this.writeHeaders = { 'content-type': 'text/plain; charset=utf-8' };
    if (options.username !== undefined) {
      this.writeHeaders.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
    }
    this.client = new InfluxDB({
      hosts: [host],
      database: options.database,
      // Passed even when undefined: node-influx otherwise sends root:root on every request.
      username: options.username,
      password: options.password,
      pool: { maxRetries: 0, requestTimeout: options.requestTimeoutMs ?? 10_000, backoff: noBackoff },
    });
  }

  async open(): Promise<void> {
    const db = `"${this.database}"`;
    try {
      // DDL takes no bound parameters; the names are checked against DB_NAME_RE/DURATION_RE above.
      await this.client.queryRaw(`CREATE DATABASE ${db}`, { method: 'POST' });
      const existing = new Set(
        rowsOf((await this.client.queryRaw(`SHOW RETENTION POLICIES ON ${db}`, { method: 'POST' })).results[0]).map(
          (r) => String(r.name),
        ),
      );
      const wanted = (Object.keys(RP_OF_TIER) as Tier[]).map(
        (tier) => [RP_OF_TIER[tier], durationText(this.retention[tier]), tier === 'raw'] as const,
      );
      for (const [name, duration, isDefault] of wanted) {
        const verb = existing.has(name) ? 'ALTER' : 'CREATE';
        await this.client.queryRaw(
          `${verb} RETENTION POLICY "${name}" ON ${db} DURATION ${duration} REPLICATION 1${isDefault ? ' DEFAULT' : ''}`,
          { method: 'POST' },
        );
      }
      // Declarations used to live in `raw` with the telemetry; they are long-term now. Copying is idempotent,
      // and reads of `raw` ask for telemetry only, so the old copies just expire.
      if (existing.has(RP_RAW)) {
        await this.client.queryRaw(
          `SELECT * INTO "${RP_OF_TIER.long_term}"."${MEASUREMENT_RECORD}" FROM "${RP_RAW}"."${MEASUREMENT_RECORD}" WHERE "source" = 'declaration' GROUP BY *`,
          { method: 'POST' },
        );
      }
    } catch (err) {
      throw mapError(err, 'open');
    }
  }

  async close(): Promise<void> {
    // node-influx keeps no sockets or timers of its own (and our backoff never schedules one).
  }

  async ping(): Promise<boolean> {
    const hosts = await this.client.ping(2000);
    return hosts.length > 0 && hosts.every((h) => h.online);
  }

  /**
   * Writes items as line protocol straight to /write (the encoders of line-protocol.ts, the same bytes
   * node-influx would send): ingest throughput is bounded by the hub's CPU, and this path encodes
   * once, straight into the request body, and posts that buffer without another copy.
   */
  private write<T>(
    items: readonly T[],
    encode: (item: T) => string,
    retentionPolicy: string,
    what: string,
  ): Promise<void> {
    // Every body is encoded before the first await, so no item is held while InfluxDB works: objects
    // that outlive a young-generation collection are copied and promoted, which at ingest rates cost
    // more than encoding them. The bodies are Buffers, outside the JavaScript heap.
    const parts = chunk(items, this.batchSize);
    if (parts.length === 0) return Promise.resolve();
    let queue = this.queues.get(retentionPolicy);
    if (!queue) {
      queue = new WriteQueue(
        (body) => this.postBody(body, retentionPolicy, what),
        this.batchSize,
        this.writeConcurrency,
        MIN_EXTRA_POINTS,
      );
      this.queues.set(retentionPolicy, queue);
    }
    const q = queue;
    return Promise.all(parts.map((part) => q.write(encodeBody(part, encode), part.length))).then(() => undefined);
  }

  private async postBody(body: Buffer, retentionPolicy: string, what: string): Promise<void> {
    let res: { status: number; text: string };
    try {
      res = await post(this.writeUrl + retentionPolicy, this.writeHeaders, body, this.timeoutMs);
    } catch (err) {
      const e = err as { code?: string; message?: string };
      throw new StorageUnavailableError(`influxdb unavailable during ${what}: ${e.code ?? e.message}`);
    }
    if (res.status === 204) return;
    const text = res.text.slice(0, 500);
    const err =
      res.status >= 500
        ? new StorageUnavailableError(`influxdb unavailable during ${what}: HTTP ${res.status} ${text}`)
        : mapError(new Error(text), what, res.status);
    if (isStorageUnavailable(err)) {
      const timeMs = firstPointTime(body);
      if (timeMs !== undefined) this.refused = { retentionPolicy, timeMs };
    }
    throw err;
  }

  /**
   * One point of measurement dims_probe (never read), straight to /write: into the shard of the newest write
   * InfluxDB refused (its retention policy, its first point's time), else at the current second. InfluxDB keeps
   * refusing writes to a shard that once hit a full disk until it restarts (influxdata/influxdb#9923) while a
   * new shard takes them: a probe at the current second would call storage writable again while every record of
   * an earlier hour or day still fails.
   */
  async probeWrite(): Promise<void> {
    const at = this.refused;
    const timeMs = at?.timeMs ?? Math.floor(Date.now() / 1000) * 1000;
    await this.postBody(Buffer.from(`dims_probe ok=1i ${timeMs}`), at?.retentionPolicy ?? RP_RAW, 'probe');
    if (this.refused === at) this.refused = undefined;
  }

  // Not async: a suspended frame would keep `records` alive until InfluxDB answers (see write).
  writeRecords(records: StoredRecord[]): Promise<void> {
    try {
      records.forEach((r, i) => checkRecord(r, i));
    } catch (err) {
      return Promise.reject(err);
    }
    const unique = lastPerKey(records, recordKey);
    // Telemetry goes to `raw`; filings (declarations) are few and long-lived.
    let declarations = 0;
    for (const r of unique) if (r.source === 'declaration') declarations++;
    if (declarations === 0) return this.write(unique, encodeRecord, RP_RAW, 'writeRecords');
    const tele = unique.filter((r) => r.source === 'telemetry');
    const decl = unique.filter((r) => r.source === 'declaration');
    return Promise.all([
      this.write(tele, encodeRecord, RP_RAW, 'writeRecords'),
      this.write(decl, encodeRecord, RP_OF_TIER.long_term, 'writeRecords'),
    ]).then(() => undefined);
  }

  async writeRollups(rollups: StoredRollup[]): Promise<void> {
    rollups.forEach((r, i) => checkRollup(r, i));
    const byRp = new Map<string, StoredRollup[]>();
    for (const r of lastPerKey(rollups, rollupKey)) {
      const rp = RP_OF_TIER[tierOf({ kind: r.kind })];
      if (!byRp.has(rp)) byRp.set(rp, []);
      byRp.get(rp)!.push(r);
    }
    for (const [rp, group] of byRp) await this.write(group, (r) => encodePoint(rollupToPoint(r)), rp, 'writeRollups');
  }

  async queryRollups(q: RollupQuery): Promise<StoredRollup[]> {
    if (q.centers?.length === 0 || q.provinces?.length === 0) return [];
    const out: StoredRollup[] = [];
    for (const centers of q.centers ? chunk(q.centers, MAX_FILTER_VALUES) : [undefined])
      for (const item of await this.rollupsOf(q, centers)) out.push(item);
    return out.sort(compareRollups);
  }

  /** One read of roll-ups: the query's window, kind and provinces, for `centers` (all when undefined). */
  private rollupsOf(q: RollupQuery, centers: readonly string[] | undefined): Promise<StoredRollup[]> {
    const window = bounds(q.fromMs, q.toMs);
    if (!window) return Promise.resolve([]);
    const rp = RP_OF_TIER[tierOf({ kind: q.kind })];
    const params: Record<string, string> = { ...window, kind: q.kind };
    let where = 'time >= $from AND time < $to AND "kind" = $kind';
    if (centers) where += ` AND ${orEquals('center', 'c', centers, params)}`;
    if (q.provinces) where += ` AND ${orEquals('province', 'p', q.provinces, params)}`;
    return this.rollupRows(`FROM "${rp}"."${MEASUREMENT_ROLLUP}" WHERE ${where} GROUP BY *`, params);
  }

  /**
   * The roll-ups of one `FROM … WHERE … GROUP BY *`: the compact fields by name (ROLLUP_FIELDS), a fraction of
   * the cost of `SELECT *`. A row without `_body` is a point written one field per metric by an earlier version
   * (or a point whose `_body` is not visible yet): the answer is then read again with `SELECT *`, where such
   * points decode field by field (and a point still being written is read again, see selectRows).
   */
  private async rollupRows(from: string, params: Record<string, string>): Promise<StoredRollup[]> {
    const compact = await this.selectRows(
      `SELECT ${ROLLUP_SELECT} ${from}`,
      params,
      'queryRollups',
      (row): StoredRollup | undefined => (typeof row._body === 'string' ? rowToRollup(row) : undefined),
    );
    if (!compact.includes(undefined)) return compact as StoredRollup[];
    return this.selectRows(`SELECT * ${from}`, params, 'queryRollups', rowToRollup);
  }

  /**
   * The roll-ups `queryRollups` returns, a page of centers at a time (the centers come from the tag index, not
   * from the points): a day close of 10,000 centers folds 24 hour roll-ups of 200 centers at once instead of
   * holding 240,000. The next page is read while the caller folds this one.
   */
  async *rollupPages(q: RollupQuery): AsyncIterable<StoredRollup[]> {
    if (q.centers?.length === 0 || q.provinces?.length === 0 || !bounds(q.fromMs, q.toMs)) return;
    let centers = q.centers;
    if (!centers) {
      const rp = RP_OF_TIER[tierOf({ kind: q.kind })];
      const params: Record<string, string> = { kind: q.kind };
      const where = q.provinces ? ` AND ${orEquals('province', 'p', q.provinces, params)}` : '';
      const [result] = await this.select(
        `SHOW TAG VALUES FROM "${rp}"."${MEASUREMENT_ROLLUP}" WITH KEY = "center" WHERE "kind" = $kind${where}`,
        params,
        'rollupPages',
      );
      centers = rowsOf(result)
        .map((row) => String(row.value))
        .sort();
    }
    const pages = chunk(centers, this.rollupPageCenters);
    let next = pages.length > 0 ? this.rollupsOf(q, pages[0]) : undefined;
    for (let i = 0; next; i++) {
      const page = await next;
      next = i + 1 < pages.length ? this.rollupsOf(q, pages[i + 1]) : undefined;
      // A failed read ahead surfaces when its turn comes, not as an unhandled rejection meanwhile.
      next?.catch(() => undefined);
      if (page.length > 0) yield page.sort(compareRollups);
    }
  }

  async enforceRetention(): Promise<{ deleted: number }> {
    // Retention policies expire shards on InfluxDB's own schedule (retention check-interval, default 30 min).
    return { deleted: 0 };
  }

  async sizeByTier(): Promise<TierBytes> {
    // Shard statistics carry the database and retention policy of each shard and its size on disk.
    const [result] = await this.select(`SHOW STATS FOR 'shard'`, {}, 'sizeByTier');
    const out = { raw: 0, realtime: 0, recent: 0, long_term: 0 } as TierBytes;
    const tierOfRp = new Map(Object.entries(RP_OF_TIER).map(([tier, rp]) => [rp, tier as Tier]));
    const series = (
      result as { series?: Array<{ tags?: Record<string, string>; columns: string[]; values: unknown[][] }> }
    ).series;
    for (const s of series ?? []) {
      if (s.tags?.database !== this.database) continue;
      const tier = tierOfRp.get(s.tags.retentionPolicy ?? '');
      const col = s.columns.indexOf('diskBytes');
      if (tier && col >= 0) for (const v of s.values) out[tier] += Number(v[col] ?? 0);
    }
    return out;
  }

  async writeValues(values: StoredValue[]): Promise<void> {
    values.forEach((v, i) => checkValue(v, i));
    const unique = lastPerKey(values, valueKey);
    const byRp = new Map<string, StoredValue[]>();
    for (const v of unique) {
      const rp = retentionPolicyFor(v.period_kind);
      if (!byRp.has(rp)) byRp.set(rp, []);
      byRp.get(rp)!.push(v);
    }
    for (const [rp, group] of byRp) await this.write(group, encodeValue, rp, 'writeValues');
  }

  private async select(q: string, params: Record<string, string>, what: string): Promise<unknown[]> {
    try {
      const res = await this.client.queryRaw(q, { precision: 'ms', placeholders: params, method: 'POST' });
      const results = (res as { results: { error?: string }[] }).results;
      for (const r of results) if (r.error) throw new Error(`influxdb ${what}: ${r.error}`);
      return results;
    } catch (err) {
      throw mapError(err, what);
    }
  }

  /**
   * Runs one SELECT and converts each row. Reads of whole points say `GROUP BY *`: InfluxDB then answers series
   * by series instead of merging every series into one time order, 10–40% faster for a window of 1,000 centers'
   * records (the tags come with each series, and the rows are sorted here anyway).
   *
   * An answer holding a point InfluxDB has not made wholly visible yet
   * (see IncompleteRowError) is read again, so a read racing a write sees the point whole or not at all.
   */
  private async selectRows<T>(
    q: string,
    params: Record<string, string>,
    what: string,
    convert: (row: Row) => T,
  ): Promise<T[]> {
    for (let attempt = 0; ; attempt++) {
      const [result] = await this.select(q, params, what);
      try {
        return rowsOf(result).map(convert);
      } catch (err) {
        if (!(err instanceof IncompleteRowError)) throw err;
        const wait = INCOMPLETE_RETRY_MS[attempt];
        if (wait === undefined)
          throw new Error(`${err.message}, still after ${attempt + 1} reads (${what}): written without it?`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  async queryRecords(q: RecordQuery): Promise<StoredRecord[]> {
    const window = bounds(q.fromMs, q.toMs);
    if (!window || q.centers?.length === 0 || q.provinces?.length === 0) return [];
    const out: StoredRecord[] = [];
    const sources = q.source ? [q.source] : (['telemetry', 'declaration'] as const);
    for (const source of sources) {
      const rp = source === 'telemetry' ? RP_RAW : RP_OF_TIER.long_term;
      // Split long center lists; province lists are short (a country has tens of provinces).
      for (const centers of q.centers ? chunk(q.centers, MAX_FILTER_VALUES) : [undefined]) {
        const params: Record<string, string> = { ...window, source };
        let where = 'time >= $from AND time < $to AND "source" = $source';
        if (centers) where += ` AND ${orEquals('center', 'c', centers, params)}`;
        if (q.provinces) where += ` AND ${orEquals('province', 'p', q.provinces, params)}`;
        for (const item of await this.selectRows(
          `SELECT * FROM "${rp}"."${MEASUREMENT_RECORD}" WHERE ${where} GROUP BY *`,
          params,
          'queryRecords',
          (row) => rowToRecord(row),
        ))
          if (q.endAfterMs === undefined || item.endMs > q.endAfterMs) out.push(item);
      }
    }
    return out.sort(compareRecords);
  }

  async queryValues(q: ValueQuery): Promise<StoredValue[]> {
    if (q.codes?.length === 0 || q.indicators?.length === 0 || q.provinces?.length === 0) return [];
    const named = q.period === undefined ? undefined : namedPeriodStarts(q.period_kind, q.period);
    const fromMs = Math.max(q.fromMs ?? FIRST_MS, named?.fromMs ?? FIRST_MS);
    const toMs = Math.min(q.toMs ?? LAST_MS, named?.toMs ?? LAST_MS);
    const window = bounds(fromMs, toMs);
    if (!window) return [];
    const rp = retentionPolicyFor(q.period_kind);
    const out: StoredValue[] = [];
    // A query naming neither nodes nor indicators (a whole period: a hub loading the newest after a start) is read
    // a few indicators at a time. InfluxDB answers a query in one JSON text, and 10,000 centers' 600,000 values
    // of a period are more text than a JavaScript string can hold (the read failed, its client's process with it).
    const indicatorPages = q.indicators
      ? [q.indicators]
      : q.codes
        ? [undefined]
        : chunk(await this.valueIndicators(rp, q.period_kind), this.valuePageIndicators);
    for (const [codes, indicators] of (q.codes ? chunk(q.codes, MAX_FILTER_VALUES) : [undefined]).flatMap((c) =>
      indicatorPages.map((i) => [c, i] as const),
    )) {
      const params: Record<string, string> = { kind: q.period_kind };
      let where = '"period_kind" = $kind';
      if (q.fromMs !== undefined || named) {
        params.from = window.from;
        where += ' AND time >= $from';
      }
      if (q.toMs !== undefined || named) {
        params.to = window.to;
        where += ' AND time < $to';
      }
      if (q.period !== undefined) {
        params.period = q.period;
        where += ' AND "period" = $period';
      }
      if (q.level) {
        params.level = q.level;
        where += ' AND "level" = $level';
      }
      if (codes) where += ` AND ${orEquals('code', 'c', codes, params)}`;
      if (indicators) where += ` AND ${orEquals('indicator', 'i', indicators, params)}`;
      if (q.provinces) where += ` AND ${orEquals('province', 'p', q.provinces, params)}`;
      for (const item of await this.selectRows(
        `SELECT * FROM "${rp}"."${MEASUREMENT_VALUE}" WHERE ${where} GROUP BY *`,
        params,
        'queryValues',
        rowToValue,
      ))
        out.push(item);
    }
    return out.sort(compareValues);
  }

  /** The indicators with values of a period kind (from the tag index), sorted. */
  private async valueIndicators(rp: string, kind: PeriodKind): Promise<string[]> {
    const [result] = await this.select(
      `SHOW TAG VALUES FROM "${rp}"."${MEASUREMENT_VALUE}" WITH KEY = "indicator" WHERE "period_kind" = $kind`,
      { kind },
      'queryValues',
    );
    return rowsOf(result)
      .map((row) => String(row.value))
      .sort();
  }

  async latestTelemetry(
    centers: string[],
    fromMs: number,
    toMs = LAST_MS,
  ): Promise<Map<string, { startMs: number; endMs: number }>> {
    const out = new Map<string, { startMs: number; endMs: number }>();
    const window = bounds(fromMs, toMs);
    if (!window) return out;
    for (const list of chunk(centers, MAX_FILTER_VALUES)) {
      const params: Record<string, string> = { from: window.from, to: window.to, source: 'telemetry' };
      // last() picks each center's point with the latest time (its start) across the center's series.
      const [result] = await this.select(
        `SELECT last("end_ms") AS "end_ms" FROM "${RP_RAW}"."${MEASUREMENT_RECORD}" WHERE time >= $from AND time < $to AND ` +
          `"source" = $source AND ${orEquals('center', 'c', list, params)} GROUP BY "center"`,
        params,
        'latestTelemetry',
      );
      for (const row of rowsOf(result))
        out.set(String(row.center), { startMs: Number(row.time), endMs: Number(row.end_ms) });
    }
    return out;
  }

  async reportStats(fromMs: number, toMs: number): Promise<CenterReportStats[]> {
    const window = bounds(fromMs, toMs);
    if (!window) return [];
    const byCenter = new Map<string, CenterReportStats>();
    // Telemetry in `raw`, filings in `long_term`: the same statistics from each, merged per center.
    for (const [rp, source] of [
      [RP_RAW, 'telemetry'],
      [RP_OF_TIER.long_term, 'declaration'],
    ] as const) {
      const params = { ...window, source };
      const from = `FROM "${rp}"."${MEASUREMENT_RECORD}" WHERE time >= $from AND time < $to AND "source" = $source GROUP BY "center", "province"`;
      // Aggregates give counts and the latest end; the selector first() gives the earliest start as its time.
      const [agg, first] = await this.select(
        `SELECT count("end_ms") AS "records", max("end_ms") AS "last_end" ${from}; SELECT first("end_ms") ${from}`,
        params,
        'reportStats',
      );
      const firstStart = new Map<string, number>();
      for (const row of rowsOf(first)) {
        const key = `${String(row.center)}\u0000${String(row.province ?? '')}`;
        firstStart.set(key, Number(row.time));
      }
      for (const row of rowsOf(agg)) {
        const center = String(row.center);
        const province = typeof row.province === 'string' ? row.province : '';
        const s: CenterReportStats = {
          center,
          province,
          records: Number(row.records),
          firstStartMs: firstStart.get(`${center}\u0000${province}`) ?? fromMs,
          lastEndMs: Number(row.last_end),
        };
        const prev = byCenter.get(center);
        if (!prev) {
          byCenter.set(center, s);
          continue;
        }
        // A center that moved province reports under its latest province.
        byCenter.set(center, {
          center,
          province: s.lastEndMs >= prev.lastEndMs ? s.province : prev.province,
          records: prev.records + s.records,
          firstStartMs: Math.min(prev.firstStartMs, s.firstStartMs),
          lastEndMs: Math.max(prev.lastEndMs, s.lastEndMs),
        });
      }
    }
    return [...byCenter.values()].sort((a, b) => (a.center < b.center ? -1 : a.center > b.center ? 1 : 0));
  }
}

/** The time (ms) of a line-protocol body's first point: the last field of its first line. */
function firstPointTime(body: Buffer): number | undefined {
  const end = body.indexOf(10);
  const line = body.toString('latin1', 0, end < 0 ? body.length : end);
  const t = Number(line.slice(line.lastIndexOf(' ') + 1));
  return Number.isSafeInteger(t) ? t : undefined;
}
