/**
 * @module Federation: a provincial hub forwards the records it accepted to the national hub with the same
 * push contract as an agent (POST /api/v1/records, a federate:<province> token), from a durable outbox in
 * the state DB. A record leaves the outbox only when the upstream answered for it (accepted, or rejected
 * as invalid); outages and 5xx keep it for the next attempt, so every record arrives exactly once in effect.
 */
import type { HubContext } from './context.ts';
import { federationToken } from './config.ts';

export interface ForwardResult {
  sent: number;
  accepted: number;
  rejected: number;
  /** Why nothing was delivered this round (network error, HTTP status). */
  error?: string;
}

export class Forwarder {
  private readonly ctx: HubContext;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private backoffMs = 0;
  private batch: number;
  private busy: Promise<unknown> | undefined;

  constructor(ctx: HubContext) {
    this.ctx = ctx;
    this.batch = ctx.config.federation?.batch ?? 500;
  }

  start(): void {
    if (!this.ctx.config.federation) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.busy;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.busy = this.loop().finally(() => {
        this.busy = undefined;
      });
    }, ms);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    const f = this.ctx.config.federation!;
    let r: ForwardResult;
    try {
      r = await this.flushOnce();
    } catch (err) {
      r = { sent: 0, accepted: 0, rejected: 0, error: (err as Error).message };
    }
    if (r.error) {
      this.backoffMs = Math.min(Math.max(this.backoffMs * 2, f.interval_ms), 30_000);
      this.ctx.log(
        'warn',
        `federation: upstream ${f.upstream} not reached (${r.error}); ${this.ctx.state.outboxSize()} record(s) wait in the outbox, retry in ${this.backoffMs} ms`,
      );
      this.schedule(this.backoffMs);
      return;
    }
    this.backoffMs = 0;
    // A full batch means more may wait: continue at once.
    this.schedule(r.sent >= this.batch ? 0 : f.interval_ms);
  }

  /** Sends one batch from the outbox; returns what happened. */
  async flushOnce(): Promise<ForwardResult> {
    const f = this.ctx.config.federation;
    if (!f) return { sent: 0, accepted: 0, rejected: 0 };
    const items = this.ctx.state.peekOutbox(this.batch);
    this.ctx.metrics.outboxRecords.set(this.ctx.state.outboxSize());
    if (items.length === 0) return { sent: 0, accepted: 0, rejected: 0 };
    let res: Response;
    try {
      res = await fetch(`${f.upstream}/api/v1/records`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${federationToken(this.ctx.config) ?? ''}`,
          prefer: 'return=minimal',
        },
        body: JSON.stringify({ records: items.map((i) => i.record) }),
        signal: AbortSignal.timeout(f.timeout_ms),
      });
    } catch (err) {
      this.ctx.state.bumpOutboxAttempts(items.map((i) => i.seq));
      return { sent: 0, accepted: 0, rejected: 0, error: (err as Error).message };
    }
    const text = await res.text();
    if (res.status === 413 && this.batch > 1) {
      this.batch = Math.max(1, Math.floor(this.batch / 2));
      return { sent: 0, accepted: 0, rejected: 0, error: `413: batch reduced to ${this.batch}` };
    }
    if (res.status === 200 || res.status === 400) {
      let body: {
        accepted?: string[];
        accepted_count?: number;
        rejected?: Array<{ index: number; key?: string; errors: unknown }>;
      } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        return { sent: 0, accepted: 0, rejected: 0, error: `${res.status} with a body that is not JSON` };
      }
      const rejected = body.rejected ?? [];
      for (const r of rejected.slice(0, 5)) {
        this.ctx.log(
          'warn',
          `federation: upstream rejected ${items[r.index]?.key ?? r.key ?? `record ${r.index}`}: ${JSON.stringify(r.errors).slice(0, 300)}`,
        );
      }
      // The upstream validated every record of the batch: accepted ones are delivered, rejected ones never will be.
      this.ctx.state.removeOutbox(items.map((i) => i.seq));
      const accepted = body.accepted_count ?? body.accepted?.length ?? 0;
      this.ctx.metrics.forwarded.inc({ result: 'accepted' }, accepted);
      this.ctx.metrics.forwarded.inc({ result: 'rejected' }, rejected.length);
      this.ctx.metrics.outboxRecords.set(this.ctx.state.outboxSize());
      return { sent: items.length, accepted, rejected: rejected.length };
    }
    this.ctx.state.bumpOutboxAttempts(items.map((i) => i.seq));
    return { sent: 0, accepted: 0, rejected: 0, error: `HTTP ${res.status} ${text.slice(0, 200)}` };
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
