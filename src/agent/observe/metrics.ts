/**
 * @module The agent's own /metrics (prom-client): per-target up and scrape duration, errors by kind,
 * outbox depth and age, records sent, dropped and dead-lettered. One registry per agent (the demo runs
 * a hundred agents in one process), served on 127.0.0.1 only when a port is configured.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';

export class AgentMetrics {
  readonly registry = new Registry();
  readonly targetUp: Gauge<'target' | 'protocol'>;
  readonly scrapeDuration: Gauge<'target' | 'protocol'>;
  readonly scrapeSamples: Gauge<'target' | 'protocol'>;
  readonly readingsMissing: Gauge<'target' | 'protocol'>;
  readonly scrapeErrors: Counter<'kind' | 'protocol'>;
  readonly scrapesSkipped: Counter<'reason' | 'protocol'>;
  readonly outboxDepth: Gauge;
  readonly outboxOldestAge: Gauge;
  readonly outboxHeld: Gauge;
  readonly outboxWriteFailures: Counter;
  readonly recordsBuilt: Counter;
  readonly recordsSent: Counter<'sink'>;
  readonly recordsDropped: Counter;
  readonly recordsDeadLettered: Counter<'sink'>;
  readonly sinkErrors: Counter<'sink' | 'status'>;
  readonly counterDiscontinuities: Counter<'kind'>;
  readonly unclassifiedChips: Gauge<'kind'>;
  readonly targetsMissing: Gauge;

  constructor(center: string, outbox: () => { depth: number; held: number; oldestAgeSeconds: number }) {
    const r = this.registry;
    r.setDefaultLabels({ center });
    const reg = [r];
    this.targetUp = new Gauge({
      name: 'dims_agent_target_up',
      help: '1 when the last collection of the target succeeded',
      labelNames: ['target', 'protocol'],
      registers: reg,
    });
    this.scrapeDuration = new Gauge({
      name: 'dims_agent_scrape_duration_seconds',
      help: 'Duration of the last collection of the target, queueing included',
      labelNames: ['target', 'protocol'],
      registers: reg,
    });
    this.scrapeSamples = new Gauge({
      name: 'dims_agent_scrape_samples',
      help: 'Samples returned by the last successful collection of the target',
      labelNames: ['target', 'protocol'],
      registers: reg,
    });
    this.readingsMissing = new Gauge({
      name: 'dims_agent_target_readings_missing',
      help: 'Readings the target profile expects that its last successful collection could not get (0 = complete)',
      labelNames: ['target', 'protocol'],
      registers: reg,
    });
    this.scrapeErrors = new Counter({
      name: 'dims_agent_scrape_errors_total',
      help: 'Failed collections by error kind',
      labelNames: ['kind', 'protocol'],
      registers: reg,
    });
    this.scrapesSkipped = new Counter({
      name: 'dims_agent_scrapes_skipped_total',
      help: 'Collections not attempted: backing off, or an earlier one still stuck',
      labelNames: ['reason', 'protocol'],
      registers: reg,
    });
    this.outboxDepth = new Gauge({
      name: 'dims_agent_outbox_depth',
      help: 'Records in the outbox not yet acknowledged by every sink',
      registers: reg,
      collect() {
        this.set(outbox().depth);
      },
    });
    this.outboxOldestAge = new Gauge({
      name: 'dims_agent_outbox_oldest_age_seconds',
      help: 'Age of the oldest record waiting in the outbox (0 when empty)',
      registers: reg,
      collect() {
        this.set(outbox().oldestAgeSeconds);
      },
    });
    this.outboxHeld = new Gauge({
      name: 'dims_agent_outbox_held_records',
      help: "Records held in memory because the outbox's disk refuses writes (full); written once it takes them",
      registers: reg,
      collect() {
        this.set(outbox().held);
      },
    });
    this.outboxWriteFailures = new Counter({
      name: 'dims_agent_outbox_write_failures_total',
      help: 'Outbox writes the disk refused (full or I/O error); the records were held in memory',
      registers: reg,
    });
    this.recordsBuilt = new Counter({
      name: 'dims_agent_records_built_total',
      help: 'Center records written to the outbox',
      registers: reg,
    });
    this.recordsSent = new Counter({
      name: 'dims_agent_records_sent_total',
      help: 'Records acknowledged by a sink',
      labelNames: ['sink'],
      registers: reg,
    });
    this.recordsDropped = new Counter({
      name: 'dims_agent_records_dropped_total',
      help: 'Oldest records dropped: beyond outbox.max_records on disk, or beyond outbox.max_memory_records held while the disk was full',
      registers: reg,
    });
    this.recordsDeadLettered = new Counter({
      name: 'dims_agent_records_dead_lettered_total',
      help: 'Records a sink refused as invalid, moved to the dead-letter table',
      labelNames: ['sink'],
      registers: reg,
    });
    this.sinkErrors = new Counter({
      name: 'dims_agent_sink_errors_total',
      help: 'Failed deliveries by sink and HTTP status (0 = no answer)',
      labelNames: ['sink', 'status'],
      registers: reg,
    });
    this.counterDiscontinuities = new Counter({
      name: 'dims_agent_counter_discontinuities_total',
      help: 'Counter resets (device restart) and meter replacements seen',
      labelNames: ['kind'],
      registers: reg,
    });
    this.unclassifiedChips = new Gauge({
      name: 'dims_agent_unclassified_chips',
      help: 'Distinct chips in the last record the chip table could not rate (add them with extra_chips)',
      labelNames: ['kind'],
      registers: reg,
    });
    this.targetsMissing = new Gauge({
      name: 'dims_agent_record_targets_missing',
      help: 'Targets listed missing in the last record',
      registers: reg,
    });
  }
}

/** What /readyz says: ready, or why not. */
export type Readiness = () => { ready: boolean; reason?: string };

/**
 * Serves `registry` at http://127.0.0.1:port/metrics, with /healthz (the process answers) and /readyz
 * (`ready()`: 503 with the reason when not); resolves with the bound port.
 */
export async function serveMetrics(
  registry: Registry,
  port: number,
  ready: Readiness = () => ({ ready: true }),
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (path === '/healthz')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}\n');
    if (path === '/readyz') {
      const r = ready();
      return void res
        .writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(`${JSON.stringify(r.ready ? { status: 'ready' } : { status: 'not ready', reason: r.reason })}\n`);
    }
    if (path !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: Error) => res.writeHead(500).end(`${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
