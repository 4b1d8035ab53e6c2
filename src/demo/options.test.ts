/** @module The demo's clock option: RFC 3339 instants and Asia/Shanghai dates, and clear errors for what is not one. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInstant, resolveDemoOptions } from './options.ts';

test('now reads RFC 3339 instants and local dates and times in Asia/Shanghai', () => {
  assert.equal(demoInstant('2027-01-01T00:05:00+08:00'), Date.parse('2026-12-31T16:05:00Z'));
  assert.equal(demoInstant('2027-01-01T00:05:00Z'), Date.parse('2027-01-01T00:05:00Z'));
  assert.equal(demoInstant('2028-02-29'), Date.parse('2028-02-28T16:00:00Z'), 'a date is its local midnight');
  assert.equal(demoInstant('2027-03-31T23:59'), Date.parse('2027-03-31T15:59:00Z'));
  assert.equal(demoInstant('2027-03-31 23:59:30'), Date.parse('2027-03-31T15:59:30Z'));
});

test('a date that does not exist or a text that is no time is an error naming the option and the value', () => {
  for (const bad of ['2027-02-29', '2027-13-01', '2027-01-01T24:00', 'tomorrow', '2027-01-01T00:00:00+8', '1999-12-31'])
    assert.throws(
      () => demoInstant(bad, '--now'),
      (e: Error) => e.message.startsWith('--now must be') && e.message.endsWith(`(got ${JSON.stringify(bad)})`),
    );
});

test('the demo options default to an on-call scenario: alerts on, a fault three minutes in', () => {
  const o = resolveDemoOptions({}, {});
  assert.equal(o.alerts, true);
  assert.equal(o.fault_after, '3m');
  assert.equal(o.fault_duration, '5m');
  assert.equal(o.now, undefined);
  assert.throws(() => resolveDemoOptions({}, { fault_after: 'soon' }), /fault_after/);
});
