/** @module Outbox: durable across reopen, per-sink delivery, bounded with counted drops, dead letters. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CenterRecord } from '../model/records.ts';
import { Outbox } from './outbox.ts';
import { mountSmallFs } from '../../tests/support/small-fs.ts';

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

test('a full disk: enqueue holds records in memory up to the bound and writes them, in order, when space returns', () => {
  const small = mountSmallFs(2 * 1024 * 1024);
  try {
    const o = new Outbox(join(small.dir, 'o.sqlite'), ['hub'], 100_000, { holdInMemory: 50 });
    const big = (i: number): CenterRecord => ({ ...rec(i), quality: { targets_missing: [`t-${'x'.repeat(2000)}`] } });
    assert.deepEqual(o.enqueue([big(0), big(1)], 0), { added: 2, dropped: 0, held: 0 });
    small.fill();
    const during = o.enqueue([big(2), big(3)], 1);
    assert.equal(during.added, 0);
    assert.equal(during.held, 2);
    assert.match(during.error!, /database or disk is full/);
    for (let i = 4; i < 60; i++) o.enqueue([big(i)], i);
    const st = o.stats('hub');
    assert.equal(st.held, 50, 'held up to the bound');
    assert.equal(st.dropped, 8, 'the oldest beyond it dropped and counted');
    assert.equal(st.depth, 2, 'what reached the disk before stays');
    assert.equal(o.retryHeld().held, 50, 'still full');
    small.free();
    const after = o.enqueue([big(60)], 60);
    assert.deepEqual(after, { added: 51, dropped: 0, held: 0 });
    const starts = o.peek('hub', 1000).map((p) => Date.parse(p.record.start) / 60_000);
    assert.deepEqual(starts, [0, 1, ...Array.from({ length: 51 }, (_, i) => i + 10)]);
    assert.equal(o.stats().dropped, 8, 'the drops are on disk now');
    o.close();
  } finally {
    small.unmount();
  }
});

test('without holdInMemory a full disk throws the disk error itself (a hub answers 503), not a failed ROLLBACK', () => {
  const small = mountSmallFs(2 * 1024 * 1024);
  try {
    const o = new Outbox(join(small.dir, 'o.sqlite'), ['hub'], Infinity);
    o.enqueue([rec(0)], 0);
    small.fill();
    const filler = Array.from({ length: 20 }, (_, i) => ({
      ...rec(i + 1),
      quality: { targets_missing: ['x'.repeat(4000)] },
    }));
    assert.throws(() => o.enqueue(filler, 1), /database or disk is full/);
    small.free();
    assert.equal(o.enqueue(filler, 2).added, 20);
    o.close();
  } finally {
    small.unmount();
  }
});
