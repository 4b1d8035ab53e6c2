/**
 * @module Drains one sink's queue in the outbox, in order, with exponential backoff on failure.
 * Backoff is in real time even when the agent's clock is accelerated: the hub is a real server.
 */
import type { Outbox, PendingRecord } from './outbox.ts';

/** What a sink did with a batch from the outbox. */
export interface SendOutcome {
  /** Delivered: remove from this sink's queue. */
  accepted: number[];
  /** Refused as invalid: dead-letter, never retry. */
  rejected: Array<{ seq: number; errors: unknown }>;
  /** Nothing decided about the rest: retry later (after backoff) for this reason. */
  retry?: { reason: string; status?: number };
  /** The batch was too big or mixed: retry with smaller batches. */
  split?: boolean;
}

/** Where a sender delivers: a hub through the PushClient, or in the agent a local file or stdout. */
export interface Sink {
  readonly name: string;
  /** Largest batch it takes. */
  readonly batch: number;
  send(batch: PendingRecord[], signal: AbortSignal): Promise<SendOutcome>;
  close(): Promise<void>;
}

export interface SenderEvents {
  sent(sink: string, n: number): void;
  deadLettered(sink: string, n: number): void;
  failed(sink: string, reason: string, status?: number): void;
}

export class Sender {
  private readonly outbox: Outbox;
  private readonly sink: Sink;
  private readonly events: SenderEvents;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private readonly controller = new AbortController();
  private wake: (() => void) | undefined;
  private kicked = false;
  private idle = false;
  private running: Promise<void> | undefined;
  private failures = 0;
  private batch: number;

  constructor(outbox: Outbox, sink: Sink, events: SenderEvents, retry: { minMs: number; maxMs: number }) {
    this.outbox = outbox;
    this.sink = sink;
    this.events = events;
    this.retryMinMs = retry.minMs;
    this.retryMaxMs = retry.maxMs;
    this.batch = sink.batch;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** New records are waiting. */
  kick(): void {
    this.kicked = true;
    // A new record does not cut a backoff short: a down hub is not retried faster because records pile up.
    if (this.idle) this.wake?.();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    this.wake?.();
    await this.running;
  }

  private sleep(ms: number | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = ms === undefined ? undefined : setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    }).then(() => {
      this.wake = undefined;
    });
  }

  /**
   * Sends the oldest batch owed to the sink once and settles it in the outbox; undefined when nothing
   * waits. The loop calls this; so can a caller that drives delivery itself (a drain before shutdown).
   */
  async flushOnce(signal: AbortSignal = this.controller.signal): Promise<SendOutcome | undefined> {
    const batch = this.outbox.peek(this.sink.name, this.batch);
    if (batch.length === 0) return undefined;
    try {
      this.outbox.noteAttempt(
        this.sink.name,
        batch.map((p) => p.seq),
      );
    } catch {
      // Attempts are informational; a full disk must not stop delivery.
    }
    const out = await this.sink.send(batch, signal);
    if (signal.aborted && out.accepted.length === 0) return out;
    if (out.accepted.length > 0) {
      this.outbox.ack(this.sink.name, out.accepted);
      this.events.sent(this.sink.name, out.accepted.length);
    }
    for (const r of out.rejected) this.outbox.deadLetter(this.sink.name, r.seq, r.errors, Date.now());
    if (out.rejected.length > 0) this.events.deadLettered(this.sink.name, out.rejected.length);
    if (out.split) this.batch = Math.max(1, Math.floor(batch.length / 2));
    else if (out.retry) this.events.failed(this.sink.name, out.retry.reason, out.retry.status);
    // Grow back after a split once things flow again.
    else this.batch = Math.min(this.sink.batch, this.batch * 2);
    return out;
  }

  private async loop(): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      this.kicked = false;
      let out: SendOutcome | undefined;
      try {
        out = await this.flushOnce(signal);
      } catch (err) {
        // The outbox could not record an outcome (a full disk): what was delivered is sent again later,
        // and receivers take a replay as the same record.
        out = {
          accepted: [],
          rejected: [],
          retry: { reason: `the outbox cannot be written: ${(err as Error).message}` },
        };
        this.events.failed(this.sink.name, out.retry!.reason);
      }
      if (out === undefined) {
        if (!this.kicked) {
          this.idle = true;
          await this.sleep(undefined);
          this.idle = false;
        }
        continue;
      }
      if (signal.aborted && out.accepted.length === 0) break;
      if (out.split) continue;
      if (out.retry) {
        this.failures++;
        const base = Math.min(this.retryMaxMs, this.retryMinMs * 2 ** (this.failures - 1));
        await this.sleep(base * (0.8 + 0.4 * Math.random()));
        continue;
      }
      this.failures = 0;
    }
  }
}
