/**
 * @module Scheduled reports: a batch writes every scope's files and an index, retries a failing report and
 * records what still fails, reruns byte-identically, and the cron jobs pick the period that just closed.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closedPeriod, readIndex, runReportBatch, scheduleReports, type ReportEvent } from './schedule.ts';
import { engineInputs, type ReportInputs } from './inputs.ts';
import { knownFleet } from './testing.ts';

const root = mkdtempSync(path.join(tmpdir(), 'dims-report-schedule-'));
after(() => rmSync(root, { recursive: true, force: true }));
const fleet = knownFleet();
const inputs = engineInputs(fleet);
const NOW = Date.parse('2026-11-01T03:30:00+08:00');
const instant = async () => {};

test('a monthly batch writes each scope in each format and language, and an index with hashes', async () => {
  const dir = path.join(root, 'batch');
  const events: ReportEvent[] = [];
  const r = await runReportBatch(
    inputs,
    { dir, provinces: ['44', '52'], formats: ['xlsx', 'csv'], langs: ['zh', 'en'] },
    'month',
    '2026-10',
    { now: () => NOW, onReport: (e) => events.push(e), sleep: instant },
  );
  assert.equal(r.ok, 3 * 2 * 2);
  assert.equal(r.failed, 0);
  assert.equal(events.length, 12);
  const index = readIndex(dir);
  assert.equal(index.length, 12);
  for (const e of index) {
    const body = readFileSync(path.join(dir, e.file));
    assert.equal(e.status, 'ok');
    assert.equal(e.sha256, createHash('sha256').update(body).digest('hex'), e.file);
    assert.equal(e.generated_at, new Date(NOW).toISOString());
  }
  assert.ok(existsSync(path.join(dir, 'month', '2026-10', 'nation-2026-10.zh.xlsx')));
  assert.ok(existsSync(path.join(dir, 'month', '2026-10', '44-2026-10.en.csv')));
  // The same batch again (same fire time) writes the same bytes.
  await runReportBatch(
    inputs,
    { dir, provinces: ['44', '52'], formats: ['xlsx', 'csv'], langs: ['zh', 'en'] },
    'month',
    '2026-10',
    { now: () => NOW, sleep: instant },
  );
  assert.deepEqual(readIndex(dir), index);
});

test('a failing report is retried with backoff; one that keeps failing is recorded and reported, the others are written', async () => {
  const dir = path.join(root, 'retry');
  let calls = 0;
  const flaky: ReportInputs = {
    ...inputs,
    async values(kind, period, hint) {
      // 44's first two builds fail (each build reads values several times; fail on its first read).
      if (hint?.provinces?.[0] === '44' && hint.levels?.[0] === 'center' && ++calls <= 2)
        throw new Error('storage timeout');
      if (hint?.provinces?.[0] === '52') throw new Error('storage down');
      return inputs.values(kind, period, hint);
    },
  };
  const delays: number[] = [];
  const events: ReportEvent[] = [];
  const r = await runReportBatch(
    flaky,
    { dir, provinces: ['44', '52'], nation: false, retries: 3, retryDelayMs: 100 },
    'quarter',
    '2026-Q4',
    {
      now: () => NOW,
      sleep: async (ms) => void delays.push(ms),
      onReport: (e) => events.push(e),
    },
  );
  assert.equal(r.ok, 1);
  assert.equal(r.failed, 1);
  const ok = events.find((e) => e.scope === '44')!;
  assert.equal(ok.result, 'ok');
  assert.equal(ok.attempts, 3);
  const bad = events.find((e) => e.scope === '52')!;
  assert.equal(bad.result, 'error');
  assert.equal(bad.attempts, 4);
  assert.match(bad.error!, /storage down/);
  assert.deepEqual(delays, [100, 200, 100, 200, 400], 'doubling delays: 2 for 44, 3 for 52');
  const index = readIndex(dir);
  assert.deepEqual(
    index.map((e) => [e.scope, e.status]),
    [
      ['44', 'ok'],
      ['52', 'failed'],
    ],
  );
  assert.ok(!existsSync(path.join(dir, 'quarter', '2026-Q4', '52-2026-Q4.zh.xlsx')));
  // A later failure does not hide the good file already listed.
  await runReportBatch(
    {
      ...inputs,
      values: async () => {
        throw new Error('down');
      },
    },
    { dir, provinces: ['44'], nation: false, retries: 0 },
    'quarter',
    '2026-Q4',
    { now: () => NOW, sleep: instant },
  );
  assert.equal(readIndex(dir).find((e) => e.scope === '44')!.status, 'ok');
});

test('jobs report on the period that just closed, in Asia/Shanghai', () => {
  // 1 November 03:30 in Shanghai is still 31 October in UTC: the closed month is October either way.
  assert.equal(closedPeriod('month', NOW), '2026-10');
  assert.equal(closedPeriod('month', Date.parse('2026-10-31T17:00:00Z')), '2026-10');
  assert.equal(closedPeriod('quarter', Date.parse('2027-01-01T04:00:00+08:00')), '2026-Q4');
  assert.equal(closedPeriod('year', Date.parse('2027-01-01T04:30:00+08:00')), '2026');
});

test('scheduleReports starts cron jobs in the zone, runs a batch on demand, stops, and refuses a bad expression', async () => {
  const dir = path.join(root, 'cron');
  const s = scheduleReports(
    inputs,
    { dir, provinces: ['44'], nation: false, yearly: '30 4 1 1 *' },
    { now: () => NOW, sleep: instant },
  );
  try {
    assert.deepEqual(
      s.tasks.map((t) => t.getPattern()),
      ['30 3 1 * *', '0 4 1 1,4,7,10 *', '30 4 1 1 *'],
    );
    const next = s.tasks[0]!.getNextRun()!;
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Shanghai',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(next);
    assert.equal(local, '01, 03:30', 'monthly job: 03:30 on the 1st, Shanghai time');
    // A recompute of a month not yet reported leaves it to its job; hours are never reported.
    assert.equal(await s.refresh('month', '2026-10'), undefined);
    assert.equal(await s.refresh('hour', '2026-10-31T23'), undefined);
    const r = await s.run('month', '2026-10');
    assert.equal(r.ok, 1);
    // Once written, a recompute for late records rewrites it.
    const again = await s.refresh('month', '2026-10');
    assert.equal(again?.ok, 1);
    assert.equal(again?.period, '2026-10');
  } finally {
    await s.stop();
  }
  assert.throws(
    () => scheduleReports(inputs, { dir, monthly: 'every month' }),
    /monthly cron expression "every month" is not valid/,
  );
});
