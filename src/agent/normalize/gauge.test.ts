/** @module Time-weighted gauge statistics: uneven sampling, gaps, maxima, point-wise combination. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GaugeSeries, combine, integrate } from './gauge.ts';

const S = 1000;

test('the mean is weighted by time, not by number of readings', () => {
  const g = new GaugeSeries(100 * S);
  // 10 for 90 s, then a burst of readings at 100 for the last 10 s.
  g.add(0, 10);
  g.add(90 * S, 10);
  g.add(91 * S, 100);
  for (let t = 92; t <= 100; t++) g.add(t * S, 100);
  const st = g.stats(0, 100 * S);
  // 90 s at 10, 1 s ramp (mean 55), 9 s at 100.
  const expected = (90 * 10 + 55 + 9 * 100) / 100;
  assert.ok(Math.abs((st.mean ?? 0) - expected) < 1e-9, `mean ${st.mean}`);
  assert.equal(st.covered, 100 * S);
  assert.equal(st.max, 100);
  // A plain average of readings would say ~83.
  assert.ok((st.mean ?? 0) < 20);
});

test('gaps are not covered: the mean is over observed time and coverage says how much', () => {
  const g = new GaugeSeries(20 * S);
  g.add(0, 20);
  g.add(10 * S, 20);
  g.add(50 * S, 30); // 40 s gap: not bridged
  g.add(60 * S, 30);
  const st = g.stats(0, 60 * S);
  assert.equal(st.covered, 20 * S);
  assert.equal(st.mean, 25);
  assert.equal(st.max, 30);
  assert.equal(g.valueAt(30 * S), undefined);
});

test('interval edges are interpolated; a reading exactly at the end belongs to the next interval', () => {
  const g = new GaugeSeries(60 * S);
  g.add(-30 * S, 0);
  g.add(30 * S, 60);
  g.add(60 * S, 500);
  const st = g.stats(0, 30 * S);
  assert.equal(st.covered, 30 * S);
  assert.equal(st.mean, 45); // linear from 30 at t=0 to 60 at t=30
  assert.equal(st.max, 30); // 60 is at t=30, the open end
});

test('combine sums series point-wise only where all are known', () => {
  const a = new GaugeSeries(20 * S);
  const b = new GaugeSeries(20 * S);
  for (let t = 0; t <= 60; t += 10) a.add(t * S, 100);
  for (let t = 5; t <= 65; t += 10) b.add(t * S, t === 35 ? 400 : 50);
  const sum = combine([a, b], 0, 60 * S, (v) => v[0]! + v[1]!, 20 * S);
  const st = integrate(sum, 20 * S, 0, 60 * S);
  assert.equal(st.max, 500);
  assert.ok(
    sum.every((p) => p.t >= 5 * S),
    'before b has a reading the sum is unknown',
  );
});
