/** @module Counter deltas: steady meters, device resets, meter replacement, gaps reported as unknown. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CounterSeries } from './counter.ts';

const MIN = 60_000;

function near(actual: number | undefined, expected: number, eps = 1e-9): void {
  assert.ok(actual !== undefined, `expected ${expected}, got undefined`);
  assert.ok(Math.abs(actual - expected) <= eps, `expected ${expected}, got ${actual}`);
}

test('a steady meter gives exact deltas, interpolated at boundaries, that add up to its increase', () => {
  const s = new CounterSeries({ maxGapMs: 2 * MIN });
  // 1 kWh per minute, read 7 s after every minute.
  for (let i = 0; i <= 20; i++) s.add(i * MIN + 7_000, 1000 + i + 7 / 60);
  near(s.delta(5 * MIN, 10 * MIN), 5);
  near(s.delta(10 * MIN, 15 * MIN), 5);
  const total = (s.delta(1 * MIN, 10 * MIN) ?? 0) + (s.delta(10 * MIN, 20 * MIN) ?? 0);
  near(total, 19);
});

test('a device reset (counter restarts near zero) keeps counting from the last reading', () => {
  const s = new CounterSeries({ maxGapMs: 2 * MIN });
  for (let i = 0; i <= 5; i++) s.add(i * MIN, 500 + i * 2);
  // Restart: 0.5 kWh counted since it came back.
  assert.equal(s.add(6 * MIN, 0.5), 'reset');
  s.add(7 * MIN, 2.5);
  s.add(8 * MIN, 4.5);
  near(s.delta(5 * MIN, 8 * MIN), 0.5 + 4);
});

test('a replaced meter (new serial) leaves the straddling interval unknown and later ones exact', () => {
  const s = new CounterSeries({ maxGapMs: 2 * MIN });
  for (let i = 0; i <= 5; i++) s.add(i * MIN, 80_000 + i, 'SN-A');
  // The new meter already shows 1234 kWh: a naive delta would be negative or a jump.
  assert.equal(s.add(6 * MIN, 1234, 'SN-B'), 'replacement');
  for (let i = 7; i <= 12; i++) s.add(i * MIN, 1234 + (i - 6), 'SN-B');
  assert.equal(s.delta(5 * MIN, 10 * MIN), undefined);
  near(s.delta(6 * MIN, 11 * MIN), 5);
  near(s.delta(0, 5 * MIN), 5);
});

test('a replaced meter without a serial is recognised by an implausible drop or jump', () => {
  const drop = new CounterSeries({ maxGapMs: 2 * MIN });
  for (let i = 0; i <= 5; i++) drop.add(i * MIN, 80_000 + i);
  assert.equal(drop.add(6 * MIN, 1234), 'replacement');
  assert.equal(drop.delta(5 * MIN, 7 * MIN), undefined);

  const jump = new CounterSeries({ maxGapMs: 2 * MIN, maxRatePerMs: 100 / 3.6e6 }); // 100 kW at most
  jump.add(0, 10);
  jump.add(MIN, 11);
  assert.equal(jump.add(2 * MIN, 90_000), 'replacement');
  assert.equal(jump.delta(0, 2 * MIN), undefined);
});

test('a gap is never filled: boundaries inside it have no value and the deltas touching them are unknown', () => {
  const s = new CounterSeries({ maxGapMs: 2 * MIN });
  for (let i = 0; i <= 4; i++) s.add(i * MIN, i);
  // Silent from 4 to 16 minutes.
  for (let i = 16; i <= 25; i++) s.add(i * MIN, i);
  assert.equal(s.delta(0, 5 * MIN), undefined, 'needs the value at 5 min, inside the gap');
  assert.equal(s.delta(5 * MIN, 10 * MIN), undefined);
  assert.equal(s.delta(10 * MIN, 15 * MIN), undefined);
  near(s.delta(0, 4 * MIN), 4);
  near(s.delta(20 * MIN, 25 * MIN), 5);
});

test('pruning keeps the reading needed to interpolate at the boundary', () => {
  const s = new CounterSeries({ maxGapMs: 2 * MIN });
  for (let i = 0; i <= 10; i++) s.add(i * MIN + 30_000, i);
  s.prune(5 * MIN);
  near(s.delta(5 * MIN, 10 * MIN), 5);
  assert.ok(s.size <= 7);
});

test('out-of-order and non-finite readings are ignored', () => {
  const s = new CounterSeries({ maxGapMs: 2 * MIN });
  s.add(0, 1);
  s.add(MIN, 2);
  s.add(MIN / 2, 100);
  s.add(2 * MIN, Number.NaN);
  s.add(2 * MIN, 3);
  near(s.delta(0, 2 * MIN), 2);
});
