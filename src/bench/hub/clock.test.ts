/** The hub benchmark's compressed clock: real speed, then `factor` times faster, then real speed again. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simAt, wallAt, type ClockSpec } from './clock.ts';

const MIN = 60_000;
const c: ClockSpec = { wallStart: 1_000_000, simStart: 50 * MIN, fastFrom: 52 * MIN, factor: 10, slowFrom: 72 * MIN };

test('the clock runs at real speed, then factor times faster, then at real speed again', () => {
  assert.equal(simAt(c, c.wallStart), c.simStart);
  assert.equal(simAt(c, c.wallStart + MIN), 51 * MIN);
  // Two real minutes in, the fast stretch starts: ten simulated minutes per wall minute.
  assert.equal(simAt(c, c.wallStart + 3 * MIN), 62 * MIN);
  assert.equal(simAt(c, c.wallStart + 4 * MIN), 72 * MIN);
  assert.equal(simAt(c, c.wallStart + 5 * MIN), 73 * MIN);
});

test('wallAt inverts simAt on every stretch', () => {
  for (const sim of [50, 51.5, 52, 57.3, 72, 80].map((m) => m * MIN)) assert.equal(simAt(c, wallAt(c, sim)), sim);
});
