/** @module A small hub stand-in for tests: POST /api/v1/records with a bearer token, dedupe by center+start, switchable outages. */
import { prefersMinimal } from '../../push/protocol.ts';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

export interface Receiver {
  url: string;
  /** Deliveries per key (a key seen twice was re-sent; the store keeps one). */
  deliveries: Map<string, number>;
  /** Stored records by key. */
  records: Map<
    string,
    {
      center: string;
      start: string;
      end: string;
      metrics: Record<string, number>;
      quality?: { targets_missing?: string[] };
    }
  >;
  requests: number;
  /** While set, answer this status (e.g. 503) and store nothing. */
  failWith: number | undefined;
  /** Hold every answer this long after storing (lets a test kill the sender mid-request). */
  holdMs: number;
  /** Called when a request has been stored, before the answer is held. */
  onStored?: () => void;
  close(): Promise<void>;
}

export async function startReceiver(token: string): Promise<Receiver> {
  const app = express();
  app.use(express.json({ limit: '10mb' }));
  const r: Receiver = {
    url: '',
    deliveries: new Map(),
    records: new Map(),
    requests: 0,
    failWith: undefined,
    holdMs: 0,
    close: async () => {},
  };
  app.post('/api/v1/records', (req, res) => {
    r.requests++;
    if (req.headers.authorization !== `Bearer ${token}`)
      return void res.status(401).json({ error: { code: 'DIMS_ERR_UNAUTHORIZED', message: 'bad token' } });
    if (r.failWith !== undefined)
      return void res
        .status(r.failWith)
        .json({ error: { code: 'DIMS_ERR_UNAVAILABLE', message: 'down for the test' } });
    const records = (req.body as { records?: Receiver['records'] extends Map<string, infer V> ? V[] : never }).records;
    if (!Array.isArray(records)) return void res.status(400).json({ error: { message: 'records must be an array' } });
    const accepted: string[] = [];
    const rejected: Array<{ index: number; key: string; errors: unknown[] }> = [];
    records.forEach((rec, index) => {
      const key = `${rec.center}/${new Date(rec.start).toISOString()}`;
      if (Object.values(rec.metrics ?? {}).some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
        rejected.push({ index, key, errors: [{ path: '/metrics', message: 'values must be finite numbers' }] });
        return;
      }
      r.deliveries.set(key, (r.deliveries.get(key) ?? 0) + 1);
      r.records.set(key, rec);
      accepted.push(key);
    });
    r.onStored?.();
    // As the hub does: `Prefer: return=minimal` (what the agent sends) gets a count instead of the keys.
    const minimal = prefersMinimal(req.get('prefer'));
    setTimeout(
      () => res.json(minimal ? { accepted_count: accepted.length, rejected } : { accepted, rejected }),
      r.holdMs,
    );
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  r.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r;
}

/** Asserts helper: the keys' starts form one contiguous run of `intervalMs` steps; returns [first, last] ms. */
export function contiguous(
  keys: Iterable<string>,
  intervalMs: number,
): { first: number; last: number; gaps: number[] } {
  const starts = [...keys].map((k) => Date.parse(k.slice(k.indexOf('/') + 1))).sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < starts.length; i++) if (starts[i]! - starts[i - 1]! !== intervalMs) gaps.push(starts[i - 1]!);
  return { first: starts[0] ?? NaN, last: starts.at(-1) ?? NaN, gaps };
}
