/** @module Progress lines: counts and time left, a live line on a terminal, a line every few seconds in a log. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSeconds, Progress, type Reporter } from './progress.ts';

function capture(tty: boolean): Reporter & { lines: string[]; lives: string[] } {
  const lines: string[] = [];
  const lives: string[] = [];
  return { tty, lines, lives, log: (l) => lines.push(l), live: (l) => lives.push(l) };
}

test('in a log: a line with counts and the time left every interval, then the summary', () => {
  let t = 0;
  const out = capture(false);
  const p = new Progress('backfill', 100, 'centers', out, { everyMs: 10_000, now: () => t });
  for (let i = 1; i <= 100; i++) {
    t += 500; // 0.5 s per center: 50 s in all
    p.update(i, `${i * 10} records`);
  }
  p.finish('1,000 records accepted');
  assert.deepEqual(out.lives, []);
  assert.equal(out.lines[0], 'backfill: 1/100 centers, 10 records · about 50 s left');
  assert.equal(out.lines[1], 'backfill: 21/100 centers, 210 records · about 40 s left');
  assert.equal(out.lines.length, 6, out.lines.join('\n'));
  assert.equal(out.lines.at(-1), 'backfill: 1,000 records accepted (50 s)');
});

test('on a terminal: the live line follows every update (at most five a second)', () => {
  let t = 0;
  const out = capture(true);
  const p = new Progress('engine', 3, 'periods closed', out, { now: () => t });
  p.update(1);
  t += 100;
  p.update(2); // within 200 ms of the last: not drawn
  t += 150;
  p.update(3);
  p.finish('3 periods closed');
  assert.deepEqual(out.lives, ['engine: 1/3 periods closed · about 0 s left', 'engine: 3/3 periods closed']);
  assert.deepEqual(out.lines, ['engine: 3 periods closed (0 s)']);
});

test('seconds read as minutes and seconds past a minute', () => {
  assert.equal(formatSeconds(7.4), '7 s');
  assert.equal(formatSeconds(125), '2 min 5 s');
});
