/** @module Helpers for multi-hub and multi-process hub tests: temp dirs, registries, configs, agents that keep records until accepted. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Center } from '../../src/model/centers.ts';
import type { CenterRecord } from '../../src/model/records.ts';
import { center, telemetry } from '../../src/hub/test-support.ts';

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function writeRegistry(dir: string, name: string, centers: Center[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, stringify({ centers }));
  return file;
}

/** A hub config in `dir` on the embedded store (state.db, data.db) listening on a free port; returns its path. */
export function writeSqliteHubConfig(dir: string, registry: string, extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'hub.yaml');
  writeFileSync(
    file,
    stringify({
      registry,
      listen: { port: 0 },
      state_db: './state.db',
      // The tests' records lie months before the wall clock: keep raw records for ever.
      storage: { kind: 'sqlite', path: './data.db', retention: { raw: 'INF' } },
      ...extra,
    }),
  );
  return file;
}

export const CENTERS: Center[] = [
  center('gz-01', '52'),
  center('gz-02', '52', { size_class: 'large', it_rated_kw: 30000 }),
  center('gd-01', '44'),
  center('gd-02', '44', { type: 'intelligent' }),
];

/** `minutes` one-minute records per center from `startMs`, with per-center variation. */
export function recordsFor(centers: string[], startMs: number, minutes: number): CenterRecord[] {
  const out: CenterRecord[] = [];
  centers.forEach((c, ci) => {
    for (let m = 0; m < minutes; m++) {
      const r = telemetry(c, startMs + m * 60_000, 1 + ci * 0.1 + (m % 7) * 0.01);
      r.metrics.e_total_kwh = (r.metrics.e_total_kwh as number) * (1 + ci * 0.05);
      out.push(r);
    }
  });
  return out;
}

/** A minimal agent: pushes batches, keeps whatever was not acknowledged, retries until all is accepted. */
export class TestAgent {
  readonly pending: CenterRecord[] = [];
  readonly statuses: number[] = [];
  accepted = 0;
  private readonly url: string;
  private readonly token: string;
  constructor(url: string, token: string) {
    this.url = url;
    this.token = token;
  }
  queue(records: CenterRecord[]): void {
    this.pending.push(...records);
  }
  /** One push of up to `batch` records; returns the HTTP status (0 when unreachable). */
  async pushOnce(batch = 50): Promise<number> {
    if (this.pending.length === 0) return 204;
    const slice = this.pending.slice(0, batch);
    let status = 0;
    try {
      const res = await fetch(`${this.url}/api/v1/records`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ records: slice }),
        signal: AbortSignal.timeout(15_000),
      });
      status = res.status;
      const body = (await res.json()) as { accepted?: string[] };
      if (status === 200) {
        this.pending.splice(0, slice.length);
        this.accepted += body.accepted?.length ?? 0;
      }
    } catch {
      status = 0;
    }
    this.statuses.push(status);
    return status;
  }
}
