/** @module Outbox: durable across reopen, per-sink delivery, bounded with counted drops, dead letters. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CenterRecord } from '../model/records.ts';
import { Outbox } from './outbox.ts';

const rec = (i: number): CenterRecord => ({
  center: 'gz-1',
  start: new Date(i * 60_000).toISOString(),
  end: new Date((i + 1) * 60_000).toISOString(),
  metrics: { e_total_kwh: i },
});

test('records survive reopening, in order, until every sink acknowledges them', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'dims-outbox-')), 'o.sqlite');
  let o = new Outbox(path, ['hub', 'file'], 1000);
  o.enqueue([rec(0), rec(1), rec(2)], 0);
  o.close();
  o = new Outbox(path, ['hub', 'file'], 1000);
  assert.equal(o.lastEndMs(), 3 * 60_000);
  assert.deepEqual(
    o.peek('hub', 10).map((p) => p.record.metrics.e_total_kwh),
    [0, 1, 2],
  );
  o.ack(
    'hub',
    o.peek('hub', 2).map((p) => p.seq),
  );
  assert.deepEqual(
    o.peek('hub', 10).map((p) => p.key),
    ['gz-1/1970-01-01T00:02:00.000Z'],
  );
  assert.equal(o.stats().depth, 3, 'file has not acknowledged yet');
  o.ack(
    'file',
    o.peek('file', 10).map((p) => p.seq),
  );
  assert.equal(o.stats().depth, 1);
  assert.equal(o.stats('hub').sent, 2);
  o.close();
});

test('a replayed interval is ignored, and the bound drops the oldest, counted', () => {
  const o = new Outbox(':memory:', ['hub'], 10);
  o.enqueue([rec(0)], 0);
  assert.equal(o.enqueue([rec(0)], 0).added, 0);
  for (let i = 1; i < 15; i++) o.enqueue([rec(i)], i);
  const s = o.stats();
  assert.equal(s.depth, 10);
  assert.equal(s.dropped, 5);
  assert.equal(o.peek('hub', 1)[0]!.record.metrics.e_total_kwh, 5);
  o.close();
});

test('a dead-lettered record leaves the queue with its errors kept and counted', () => {
  const o = new Outbox(':memory:', ['hub'], 10);
  o.enqueue([rec(0), rec(1)], 0);
  const [first] = o.peek('hub', 1);
  o.deadLetter('hub', first!.seq, [{ path: '/metrics/x', message: 'unknown' }], 5);
  assert.equal(o.stats().deadLettered, 1);
  assert.deepEqual(
    o.peek('hub', 10).map((p) => p.record.metrics.e_total_kwh),
    [1],
  );
  assert.deepEqual(o.deadLetters(), [
    { sink: 'hub', key: 'gz-1/1970-01-01T00:00:00.000Z', errors: [{ path: '/metrics/x', message: 'unknown' }] },
  ]);
  o.close();
});

test('a sink removed from the config releases its records', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'dims-outbox-')), 'o.sqlite');
  let o = new Outbox(path, ['hub', 'old'], 100);
  o.enqueue([rec(0)], 0);
  o.ack(
    'hub',
    o.peek('hub', 10).map((p) => p.seq),
  );
  o.close();
  o = new Outbox(path, ['hub'], 100);
  assert.equal(o.stats().depth, 0);
  o.close();
});

test('a key queued again is ignored by default, and replaces the pending copy under a new seq with replace', () => {
  const keep = new Outbox(':memory:', ['hub'], 10);
  keep.enqueue([rec(0)], 0);
  assert.equal(keep.enqueue([{ ...rec(0), metrics: { e_total_kwh: 99 } }], 0).added, 0);
  assert.equal(keep.peek('hub', 10)[0]!.record.metrics.e_total_kwh, 0);

  const o = new Outbox(':memory:', ['upstream'], Infinity, { onQueuedKey: 'replace' });
  o.enqueue([rec(0), rec(1)], 0);
  const inFlight = o.peek('upstream', 10);
  o.enqueue([{ ...rec(0), metrics: { e_total_kwh: 99 } }], 0);
  // The sender acknowledges what it sent; the newer copy of rec(0) stays owed.
  o.ack(
    'upstream',
    inFlight.map((p) => p.seq),
  );
  const left = o.peek('upstream', 10);
  assert.equal(left.length, 1);
  assert.equal(left[0]!.record.metrics.e_total_kwh, 99);
  assert.ok(left[0]!.seq > inFlight[1]!.seq);
});
