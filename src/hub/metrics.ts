/**
 * @module The hub's Prometheus metrics: its own in prom-client (one registry per hub so several hubs can share
 * a process), the per-center series written by hand (exposition.ts).
 *
 * Indicator series carry bounded labels only: level, province, center (from the registry), indicator
 * and dimension (from the catalog). center="" at province and nation level, province="" at nation level.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Catalog } from '../catalog/types.ts';
import type { IndicatorValue } from '../model/values.ts';
import type { RegistryIndex } from '../registry/load.ts';
import {
  COVERAGE_RATIO,
  INDICATOR_VALUE,
  INLET,
  LAST_RECORD,
  familyHead,
  indicatorText,
  newestText,
  type IndicatorText,
  type LinesByProvince,
  type NewestRecord,
} from './exposition.ts';

/** An indicator text that took this long to build is not built again at once for newer values (see `indicators`). */
const SLOW_BUILD_MS = 100;

export class HubMetrics {
  readonly registry = new Registry();
  private currentValues: IndicatorValue[] = [];
  /** The indicator text of `currentValues` (or of earlier values, see `indicators`) and when it was built. */
  private indicatorText:
    { of: IndicatorValue[]; at: number; builtMs: number; done: boolean; text: Promise<IndicatorText> } | undefined;
  readonly reports: Counter<'kind' | 'format' | 'result'>;
  /** Center → its newest record's end (an object, so updating it allocates nothing). */
  private readonly newestEnd = new Map<string, { endMs: number }>();
  /** Province → center → what the per-center gauges show. */
  private readonly newestByCenter = new Map<string, Map<string, NewestRecord>>();
  readonly recordsAccepted: Counter<'source'>;
  readonly recordsRejected: Counter<'source'>;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly engineRunDuration: Histogram<'kind'>;
  readonly engineLastRun: Gauge<'kind'>;
  readonly engineRuns: Counter<'kind' | 'result'>;
  readonly dirtyPeriods: Gauge;
  readonly outboxRecords: Gauge;
  readonly forwarded: Counter<'result'>;
  readonly alertsReceived: Counter<'status'>;
  readonly authFailures: Counter<'result'>;
  readonly storageWriteFailures: Counter<'reason'>;
  readonly storageWritable: Gauge;
  private readonly catalog: Catalog;
  private readonly centers: RegistryIndex;
  /** Milliseconds, for how long an indicator text took to build and how old it is. */
  private readonly clock: () => number;

  constructor(
    catalog: Catalog,
    registry: RegistryIndex,
    opts: { defaultMetrics?: boolean; clock?: () => number } = {},
  ) {
    this.clock = opts.clock ?? (() => performance.now());
    this.catalog = catalog;
    this.centers = registry;
    const r = [this.registry];
    this.reports = new Counter({
      name: 'dims_hub_reports_total',
      help: 'Scheduled reports written (result ok) or given up after their retries (result error)',
      labelNames: ['kind', 'format', 'result'],
      registers: r,
    });
    this.storageWriteFailures = new Counter({
      name: 'dims_hub_storage_write_failures_total',
      help: 'Record and value writes (and readiness probes) storage could not take: reason disk_full or unavailable',
      labelNames: ['reason'],
      registers: r,
    });
    this.storageWritable = new Gauge({
      name: 'dims_hub_storage_writable',
      help: '1 while storage takes writes, 0 from a failed write until one succeeds again (see /readyz)',
      registers: r,
    });
    this.authFailures = new Counter({
      name: 'dims_hub_auth_failures_total',
      help:
        'Requests refused for their credentials: result refused (401: no, an unknown, revoked or expired token) ' +
        'or throttled (429: the address failed too often this minute)',
      labelNames: ['result'],
      registers: r,
    });
    this.recordsAccepted = new Counter({
      name: 'dims_hub_records_accepted_total',
      help: 'Center records accepted and stored',
      labelNames: ['source'],
      registers: r,
    });
    this.recordsRejected = new Counter({
      name: 'dims_hub_records_rejected_total',
      help: 'Center records rejected by validation or permission',
      labelNames: ['source'],
      registers: r,
    });
    this.requestDuration = new Histogram({
      name: 'dims_hub_http_request_duration_seconds',
      help: 'HTTP request duration by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    });
    this.engineRunDuration = new Histogram({
      name: 'dims_hub_engine_run_duration_seconds',
      help: 'Indicator engine run duration by period kind',
      labelNames: ['kind'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: r,
    });
    this.engineLastRun = new Gauge({
      name: 'dims_hub_engine_last_run_timestamp_seconds',
      help: 'When the engine last finished a run of this period kind (unix seconds)',
      labelNames: ['kind'],
      registers: r,
    });
    this.engineRuns = new Counter({
      name: 'dims_hub_engine_runs_total',
      help: 'Engine runs by period kind and result',
      labelNames: ['kind', 'result'],
      registers: r,
    });
    this.dirtyPeriods = new Gauge({
      name: 'dims_hub_engine_dirty_periods',
      help: 'Closed periods waiting to be recomputed because late records arrived',
      registers: r,
    });
    this.outboxRecords = new Gauge({
      name: 'dims_hub_federation_outbox_records',
      help: 'Records waiting to be forwarded to the upstream hub',
      registers: r,
    });
    this.forwarded = new Counter({
      name: 'dims_hub_federation_forwarded_total',
      help: 'Records forwarded upstream by result (accepted, rejected)',
      labelNames: ['result'],
      registers: r,
    });
    this.alertsReceived = new Counter({
      name: 'dims_hub_alerts_received_total',
      help: 'Alertmanager alerts received (new entries in the history)',
      labelNames: ['status'],
      registers: r,
    });
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'dims_hub_' });
  }

  /** The newest real-time values; the indicator gauges show them from the next scrape on (null values have no series). */
  setIndicatorValues(values: IndicatorValue[]): void {
    this.currentValues = values;
  }

  /**
   * The indicator text of the newest values, built once per set of values however often it is scraped. A build
   * that took long (over a second at 10,000 centers, and garbage for the collector) is kept until nine times
   * its length has passed, so scrapes cost the hub at most a tenth of a core: the rolling window is refreshed
   * every few seconds there, and Prometheus sees values at most a few seconds older than the newest.
   */
  private indicators(): Promise<IndicatorText> {
    const values = this.currentValues;
    const held = this.indicatorText;
    // A build under way is sent when it ends, whatever came meanwhile: never two at once.
    if (held && (held.of === values || !held.done)) return held.text;
    if (held && held.builtMs >= SLOW_BUILD_MS && this.clock() - held.at < 9 * held.builtMs) return held.text;
    const t0 = this.clock();
    const built = {
      of: values,
      at: t0,
      builtMs: 0,
      done: false,
      text: indicatorText(this.catalog, this.centers, values),
    };
    const end = () => {
      built.done = true;
      built.at = this.clock();
      built.builtMs = built.at - t0;
    };
    void built.text.then(end, end);
    this.indicatorText = built;
    return built.text;
  }

  /**
   * Notes a stored telemetry record for the per-center gauges. Ingest calls this for every record, so it
   * only updates plain maps; prom-client's label hashing per set cost more than the rest of ingest's
   * bookkeeping, and the gauges are set from these maps when scraped.
   */
  noteRecordEnd(center: string, province: string, endMs: number, inlet?: { mean?: number; max?: number }): void {
    const prev = this.newestEnd.get(center);
    if (prev && endMs < prev.endMs) return; // a late record must not move the "newest" gauges backwards
    if (prev) prev.endMs = endMs;
    else this.newestEnd.set(center, { endMs });
    // Keyed by province too: a center that moved keeps its old series, as gauges set per record would.
    let centers = this.newestByCenter.get(province);
    if (!centers) this.newestByCenter.set(province, (centers = new Map()));
    let n = centers.get(center);
    if (!n) centers.set(center, (n = { province, center, endMs }));
    n.endMs = endMs;
    // Inlet temperatures follow the newest telemetry record that has them (ASHRAE alerts read these).
    if (inlet?.mean !== undefined) n.inletMean = inlet.mean;
    if (inlet?.max !== undefined) n.inletMax = inlet.max;
  }

  /**
   * The exposition, in chunks to send one after the other. A province scope keeps only the per-center families'
   * series of that province (and drops the hub's own metrics).
   */
  async render(province?: string): Promise<Array<string | Buffer>> {
    const own = province === undefined ? await this.registry.metrics() : '';
    const indicators = await this.indicators();
    const newest =
      province === undefined
        ? newestText([...this.newestByCenter.values()].flatMap((m) => [...m.values()]))
        : newestText(this.newestByCenter.get(province)?.values() ?? []);
    const lines = (by: LinesByProvince): Buffer[] =>
      province === undefined ? [...by.values()].flat() : (by.get(province) ?? []);
    return [
      own,
      familyHead(INDICATOR_VALUE),
      ...lines(indicators.values),
      familyHead(COVERAGE_RATIO),
      ...lines(indicators.coverage),
      familyHead(LAST_RECORD),
      newest.last,
      familyHead(INLET),
      newest.inlet,
    ];
  }
}
