/** @module Write coalescing: bodies that wait while requests are in flight share one request, and every caller settles with it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WriteQueue } from './write-queue.ts';

function lines(n: number, tag: string): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => `m,t=${tag} v=${i} ${i}`).join('\n'));
}

test('bodies arriving while a request is in flight are joined, up to the point limit, in arrival order', async () => {
  const sent: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const q = new WriteQueue(async (body) => {
    sent.push(body.toString());
    if (sent.length === 1) await gate;
  }, 5, 1);
  const first = q.write(lines(2, 'a'), 2);
  const rest = [q.write(lines(2, 'b'), 2), q.write(lines(3, 'c'), 3), q.write(lines(1, 'd'), 1)];
  assert.equal(q.depth, 3);
  release();
  await Promise.all([first, ...rest]);
  assert.equal(sent.length, 3);
  assert.equal(sent[0], lines(2, 'a').toString());
  // b (2) + c (3) fill the 5-point request; d goes in the next one.
  assert.equal(sent[1], `${lines(2, 'b')}\n${lines(3, 'c')}`);
  assert.equal(sent[2], lines(1, 'd').toString());
});

test('a failed request rejects every caller whose body it carried, and the queue goes on', async () => {
  let calls = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const q = new WriteQueue(async () => {
    calls++;
    if (calls === 1) return gate;
    if (calls === 2) throw new Error('store down');
  }, 100, 1);
  const first = q.write(lines(1, 'a'), 1);
  const b = q.write(lines(1, 'b'), 1);
  const c = q.write(lines(1, 'c'), 1);
  release();
  await first;
  await assert.rejects(b, /store down/);
  await assert.rejects(c, /store down/);
  await q.write(lines(1, 'd'), 1);
  assert.equal(calls, 3);
});
