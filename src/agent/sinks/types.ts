/** @module What a sink does with a batch of records from the outbox, and how it says what happened. */
import type { PendingRecord } from '../outbox/outbox.ts';

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

export interface Sink {
  readonly name: string;
  readonly type: 'hub' | 'jsonl' | 'stdout';
  /** Largest batch it takes. */
  readonly batch: number;
  send(batch: PendingRecord[], signal: AbortSignal): Promise<SendOutcome>;
  close(): Promise<void>;
}
