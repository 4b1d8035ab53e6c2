/**
 * @module Federation: a provincial hub forwards the records it accepted to the national hub with the same
 * push contract as an agent (POST /api/v1/records, a federate:<province> token): the push client and sender
 * the agent uses, draining the state DB's federation outbox. A record leaves the outbox only when the upstream
 * answered for it (accepted, or rejected as invalid and dead-lettered); outages and 5xx keep it for the next
 * attempt, so every record arrives exactly once in effect.
 */
import type { HubContext } from './context.ts';
import { federationToken } from './config.ts';
import { UPSTREAM_SINK } from './state-db.ts';
import { PushClient } from '../push/client.ts';
import { Sender } from '../push/sender.ts';

export interface ForwardResult {
  sent: number;
  accepted: number;
  rejected: number;
  /** Why nothing was delivered this round (network error, HTTP status). */
  error?: string;
}

export class Forwarder {
  private readonly ctx: HubContext;
  private readonly client: PushClient | undefined;
  private readonly sender: Sender | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(ctx: HubContext) {
    this.ctx = ctx;
    const f = ctx.config.federation;
    if (!f) return;
    this.client = new PushClient({
      name: UPSTREAM_SINK,
      url: f.upstream,
      token: federationToken(ctx.config) ?? '',
      gzip: false,
      batch: f.batch ?? 500,
      timeoutMs: f.timeout_ms,
      ...(f.ca_file ? { caFile: f.ca_file } : {}),
      ...(f.cert_file ? { certFile: f.cert_file } : {}),
      ...(f.key_file ? { keyFile: f.key_file } : {}),
    });
    let rejectedLogged = 0;
    this.sender = new Sender(
      ctx.state.outbox,
      this.client,
      {
        sent: (_sink, n) => ctx.metrics.forwarded.inc({ result: 'accepted' }, n),
        deadLettered: (_sink, n) => {
          ctx.metrics.forwarded.inc({ result: 'rejected' }, n);
          if (rejectedLogged++ < 5)
            ctx.log(
              'warn',
              `federation: upstream ${f.upstream} rejected ${n} record(s); kept in the dead-letter table`,
            );
        },
        failed: (_sink, reason) =>
          ctx.log(
            'warn',
            `federation: upstream ${f.upstream} not reached (${reason}); ${ctx.state.outboxSize()} record(s) wait in the outbox`,
          ),
      },
      { minMs: f.interval_ms, maxMs: 30_000 },
    );
  }

  start(): void {
    if (!this.sender) return;
    this.sender.start();
    // Ingest queues without waking the sender: look for new records every interval.
    this.timer = setInterval(() => this.sender!.kick(), this.ctx.config.federation!.interval_ms);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sender?.stop();
    await this.client?.close();
  }

  /** Sends one batch from the outbox; returns what happened. */
  async flushOnce(): Promise<ForwardResult> {
    if (!this.sender) return { sent: 0, accepted: 0, rejected: 0 };
    const out = await this.sender.flushOnce(AbortSignal.timeout(this.ctx.config.federation!.timeout_ms));
    this.ctx.metrics.outboxRecords.set(this.ctx.state.outboxSize());
    if (!out) return { sent: 0, accepted: 0, rejected: 0 };
    const decided = out.accepted.length + out.rejected.length;
    const r = { sent: decided, accepted: out.accepted.length, rejected: out.rejected.length };
    if (out.split) return { ...r, error: 'the upstream refused the batch as too large; retrying in smaller batches' };
    return out.retry ? { ...r, error: out.retry.reason } : r;
  }

  /** Forwards until the outbox is empty or the upstream fails (tests, shutdown). */
  async drain(): Promise<ForwardResult> {
    const total: ForwardResult = { sent: 0, accepted: 0, rejected: 0 };
    for (;;) {
      const r = await this.flushOnce();
      total.sent += r.sent;
      total.accepted += r.accepted;
      total.rejected += r.rejected;
      if (r.error) return { ...total, error: r.error };
      if (r.sent === 0) return total;
    }
  }
}
