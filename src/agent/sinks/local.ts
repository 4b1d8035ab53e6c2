/** @module Local sinks: a JSON Lines file (fsync'd before acknowledging) and stdout. */
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PendingRecord } from '../../push/outbox.ts';
import type { SendOutcome } from '../../push/sender.ts';
import type { Sink } from './types.ts';

/**
 * Appends one record per line. A crash between the write and the outbox acknowledgement repeats a line
 * on restart (at-least-once); readers dedupe by center + start, as the hub does.
 */
export class JsonlSink implements Sink {
  readonly type = 'jsonl' as const;
  readonly batch = 500;
  readonly name: string;
  private readonly path: string;
  private fd: number | undefined;

  constructor(name: string, path: string) {
    this.name = name;
    this.path = path;
  }

  async send(batch: PendingRecord[]): Promise<SendOutcome> {
    try {
      if (this.fd === undefined) {
        mkdirSync(dirname(this.path), { recursive: true });
        this.fd = openSync(this.path, 'a');
      }
      writeSync(this.fd, batch.map((p) => JSON.stringify(p.record)).join('\n') + '\n');
      fsyncSync(this.fd);
      return { accepted: batch.map((p) => p.seq), rejected: [] };
    } catch (err) {
      return { accepted: [], rejected: [], retry: { reason: `cannot write ${this.path}: ${(err as Error).message}` } };
    }
  }

  async close(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** One JSON record per line on stdout (pipes, debugging). */
export class StdoutSink implements Sink {
  readonly type = 'stdout' as const;
  readonly batch = 500;
  readonly name: string;
  private readonly write: (s: string) => void;

  constructor(name: string, write: (s: string) => void = (s) => process.stdout.write(s)) {
    this.name = name;
    this.write = write;
  }

  async send(batch: PendingRecord[]): Promise<SendOutcome> {
    this.write(batch.map((p) => JSON.stringify(p.record)).join('\n') + '\n');
    return { accepted: batch.map((p) => p.seq), rejected: [] };
  }

  async close(): Promise<void> {}
}
