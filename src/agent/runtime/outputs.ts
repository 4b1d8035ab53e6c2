/** @module The agent's outputs: its sinks (hub, JSON Lines, stdout, and any the caller adds), the durable outbox, one sender per sink. */
import { Outbox } from '../../push/outbox.ts';
import { Sender } from '../../push/sender.ts';
import type { AgentConfig } from '../config/types.ts';
import type { AgentMetrics } from '../observe/metrics.ts';
import { HubSink } from '../sinks/hub.ts';
import { JsonlSink, StdoutSink } from '../sinks/local.ts';
import type { Sink } from '../sinks/types.ts';
import type { Logger } from './logging.ts';

export function createSinks(config: AgentConfig, extra: Sink[], secret: (ref: string) => string): Sink[] {
  const sinks: Sink[] = config.sinks.map((s) => {
    if (s.type === 'hub') {
      return new HubSink({
        name: s.name,
        url: s.url,
        // Looked up for every push: a token file replaced after a rotation is used from the next one on.
        token: () => secret(s.token),
        gzip: s.gzip,
        batch: s.batch,
        timeoutMs: s.timeoutMs,
        ...(s.caFile ? { caFile: s.caFile } : {}),
        ...(s.certFile ? { certFile: s.certFile } : {}),
        ...(s.keyFile ? { keyFile: s.keyFile } : {}),
        insecureSkipVerify: s.insecureSkipVerify,
      });
    }
    return s.type === 'jsonl' ? new JsonlSink(s.name, s.path) : new StdoutSink(s.name);
  });
  return [...sinks, ...extra];
}

export function openOutbox(config: AgentConfig, sinks: Sink[]): Outbox {
  return new Outbox(
    config.outbox.path,
    sinks.map((s) => s.name),
    config.outbox.maxRecords,
    { holdInMemory: config.outbox.maxMemoryRecords },
  );
}

/** One sender per sink, its outcomes counted and logged. */
export function createSenders(
  outbox: Outbox,
  sinks: Sink[],
  metrics: AgentMetrics,
  log: Logger,
  retry: { minMs: number; maxMs: number },
): Sender[] {
  const events = {
    sent: (name: string, n: number) => metrics.recordsSent.inc({ sink: name }, n),
    deadLettered: (name: string, n: number) => {
      metrics.recordsDeadLettered.inc({ sink: name }, n);
      log('error', `sink ${name} refused ${n} record(s) as invalid; moved to the dead-letter table`);
    },
    failed: (name: string, reason: string, status?: number) => {
      metrics.sinkErrors.inc({ sink: name, status: String(status ?? 0) });
      log('warn', `sink ${name}: ${reason}; will retry`);
    },
  };
  return sinks.map((sink) => new Sender(outbox, sink, events, retry));
}
