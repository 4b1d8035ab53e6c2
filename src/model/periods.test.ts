/** @module Tests of named periods in Asia/Shanghai and zones with daylight saving. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  periodWindow,
  parsePeriod,
  periodName,
  periodsTouching,
  previousPeriod,
  shiftWindowBack,
  zonedParts,
} from './periods.ts';

const iso = (ms: number) => new Date(ms).toISOString();

test('a month is the calendar month in Asia/Shanghai, not in UTC', () => {
  const w = periodWindow('month', '2026-10');
  assert.equal(iso(w.fromMs), '2026-09-30T16:00:00.000Z');
  assert.equal(iso(w.toMs), '2026-10-31T16:00:00.000Z');
});

test('quarters, years, days and hours parse by their shape', () => {
  assert.equal(iso(parsePeriod('2026-Q3').fromMs), '2026-06-30T16:00:00.000Z');
  assert.equal(iso(parsePeriod('2026-Q3').toMs), '2026-09-30T16:00:00.000Z');
  assert.equal(parsePeriod('2026').kind, 'year');
  assert.equal(parsePeriod('2026-10-05').toMs - parsePeriod('2026-10-05').fromMs, 86_400_000);
  assert.equal(iso(parsePeriod('2026-10-05T13').fromMs), '2026-10-05T05:00:00.000Z');
});

test('malformed and impossible periods are refused with the name in the message', () => {
  assert.throws(() => parsePeriod('2026-13'), /2026-13/);
  assert.throws(() => parsePeriod('2026-02-30'), /2026-02-30/);
  assert.throws(() => parsePeriod('Oct 2026'), /Oct 2026/);
});

test('period names of instants near a boundary follow local time', () => {
  assert.equal(periodName('quarter', Date.parse('2026-09-30T16:30:00Z')), '2026-Q4');
  assert.equal(periodName('quarter', Date.parse('2026-09-30T15:30:00Z')), '2026-Q3');
  assert.equal(periodName('hour', Date.parse('2026-10-05T05:59:59Z')), '2026-10-05T13');
});

test('previous periods and periods touching a span', () => {
  assert.equal(previousPeriod('month', '2026-01'), '2025-12');
  assert.equal(previousPeriod('quarter', '2026-Q1'), '2025-Q4');
  assert.equal(previousPeriod('day', '2026-03-01'), '2026-02-28');
  const w = periodWindow('month', '2026-10');
  assert.deepEqual(periodsTouching('month', w.fromMs - 1, w.toMs + 1), ['2026-09', '2026-10', '2026-11']);
  assert.deepEqual(periodsTouching('month', w.fromMs, w.toMs), ['2026-10']);
});

test('a day with a daylight-saving change has 23 hours where the zone has one', () => {
  const d = periodWindow('day', '2026-03-08', 'America/New_York');
  assert.equal((d.toMs - d.fromMs) / 3_600_000, 23);
});

test('shifting a named month back a year gives the same month a year earlier', () => {
  const w = shiftWindowBack(periodWindow('month', '2026-10'), 'P1Y');
  assert.equal(w.period, '2025-10');
  assert.equal(iso(w.fromMs), '2025-09-30T16:00:00.000Z');
  const q = shiftWindowBack(periodWindow('quarter', '2026-Q1'), 'P3M');
  assert.equal(q.period, '2025-Q4');
});

test('local times from the cached zone offsets equal what Intl says, across daylight-saving changes', () => {
  const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
  const start = Date.UTC(2025, 0, 1);
  for (const tz of zones) {
    const f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    // Every 17 minutes 13 seconds for two years: every transition of these zones, and instants all over the hour.
    for (let ms = start; ms < start + 2 * 366 * 86_400_000; ms += 1_033_000) {
      const p = Object.fromEntries(
        f
          .formatToParts(new Date(ms))
          .filter((x) => x.type !== 'literal')
          .map((x) => [x.type, Number(x.value)]),
      );
      assert.deepEqual(
        zonedParts(ms, tz),
        { year: p.year, month: p.month, day: p.day, hour: p.hour! % 24, minute: p.minute, second: p.second },
        `${tz} ${new Date(ms).toISOString()}`,
      );
    }
  }
});
