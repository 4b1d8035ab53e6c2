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
  const q = new WriteQueue(
    async (body) => {
      sent.push(body.toString());
      if (sent.length === 1) await gate;
    },
    5,
    1,
  );
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
  const q = new WriteQueue(
    async () => {
      calls++;
      if (calls === 1) return gate;
      if (calls === 2) throw new Error('store down');
    },
    100,
    1,
  );
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

test('a second request in flight waits until it carries minExtraPoints, or goes once the first returns', async () => {
  const sent: string[] = [];
  const gates: Array<() => void> = [];
  const q = new WriteQueue(
    (body) => {
      sent.push(body.toString());
      return new Promise<void>((r) => gates.push(r));
    },
    10,
    2,
    4,
  );
  // Nothing in flight: the first body goes at once, however small.
  const a = q.write(lines(1, 'a'), 1);
  assert.equal(sent.length, 1);
  // One in flight: 3 waiting points are fewer than 4, so the free slot stays free.
  const b = q.write(lines(3, 'b'), 3);
  assert.equal(sent.length, 1);
  assert.equal(q.depth, 1);
  // 3 + 2 points reach 4: both go together in the second slot.
  const c = q.write(lines(2, 'c'), 2);
  assert.equal(sent.length, 2);
  assert.equal(sent[1], `${lines(3, 'b')}\n${lines(2, 'c')}`);
  // Both slots busy: d waits; when a's request returns, d may go only with 4 points or an idle queue.
  const d = q.write(lines(1, 'd'), 1);
  gates[0]!();
  await a;
  await new Promise((r) => setImmediate(r));
  assert.equal(sent.length, 2, 'a 1-point body does not take the free slot while another request is in flight');
  gates[1]!();
  await Promise.all([b, c]);
  await new Promise((r) => setImmediate(r));
  // Nothing in flight any more: d goes alone.
  assert.equal(sent.length, 3);
  assert.equal(sent[2], lines(1, 'd').toString());
  gates[2]!();
  await d;
});
