/**
 * @module The demo's backfill: for any center, date and take-over instant its records are valid center records (the
 * schema and the hub's own check) that tile [from, take-over) without gap or overlap — whole hours up to 15 minutes before
 * the take-over, then records cut at the agents' interval — and they carry the model's true energy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultCatalog } from '../catalog/load.ts';
import { indexRegistry } from '../registry/load.ts';
import { parseRecord } from '../records/parse.ts';
import { centerRecordSchema } from '../records/schema.ts';
import { compileSchema } from '../shared/json-schema.ts';
import { buildCenterDevices } from '../simulate/devices.ts';
import { generateFleet, localMidnightMs } from '../simulate/fleet.ts';
import { truthFor } from '../simulate/ground-truth.ts';
import { createServer } from 'node:http';
import { centerBackfill, post } from './backfill.ts';

const catalog = defaultCatalog();
const schema = compileSchema<unknown>(centerRecordSchema(catalog));
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

test('backfill records are valid and tile the span up to the take-over instant, for any center and date', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10_000 }),
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 0, max: 3650 }),
      fc.integer({ min: 0, max: 3 * 24 * 60 }),
      fc.constantFrom(10_000, MIN, 5 * MIN, 15 * MIN),
      (seed, index, day, minutes, intervalMs) => {
        const dayMs = localMidnightMs('2021-01-01') + day * DAY;
        const asOf = new Date(dayMs + 8 * HOUR).toISOString().slice(0, 10);
        const origin = new Date(dayMs - 40 * DAY + 8 * HOUR).toISOString().slice(0, 10);
        const fleet = generateFleet({ centers: index + 1, seed, asOf, origin });
        const registry = indexRegistry(fleet.registry.centers);
        const devices = buildCenterDevices(fleet.plans[index]!);
        const fromMs = dayMs - DAY;
        const toMs = Math.ceil((fromMs + minutes * MIN) / intervalMs) * intervalMs;
        const records = centerBackfill(devices, fleet.registry.centers[index]!, { fromMs, toMs, intervalMs, seed });
        const telemetry = records.filter((r) => r.source !== 'declaration');
        let t = fromMs;
        for (const r of records) {
          const problems = [...schema.problems(r), ...parseRecord(r, { catalog, registry, nowMs: toMs }).problems];
          assert.deepEqual(problems, [], JSON.stringify(r).slice(0, 400));
        }
        for (const r of telemetry) {
          const [a, b] = [Date.parse(r.start), Date.parse(r.end)];
          assert.equal(a, t, 'each record starts where the last one ended');
          // Whole hours up to 15 minutes before the take-over; after that cut at multiples of the interval.
          if (b - a === HOUR) assert.ok(b <= toMs - 15 * MIN, `${r.start} … ${r.end} is an hour long`);
          else assert.ok(b - a <= intervalMs && (b === toMs || b % intervalMs === 0), `${r.start} … ${r.end}`);
          t = b;
        }
        assert.equal(t, toMs, 'the backfill reaches the take-over instant');
        const energy = telemetry.reduce((s, r) => s + (r.metrics as Record<string, number>).e_total_kwh!, 0);
        const truth = toMs > fromMs ? truthFor(devices.physics, fromMs, toMs).metrics.e_total_kwh! : 0;
        assert.ok(Math.abs(energy - truth) <= 1e-9 * Math.max(1, truth), `${energy} vs ${truth}`);
      },
    ),
    { numRuns: 40 },
  );
});

test('a whole month in the span gets its filings; a partial one does not', () => {
  const fleet = generateFleet({ centers: 1, seed: 5, asOf: '2026-12-07', origin: '2026-10-30' });
  const devices = buildCenterDevices(fleet.plans[0]!);
  const records = centerBackfill(devices, fleet.registry.centers[0]!, {
    fromMs: localMidnightMs('2026-11-01'),
    toMs: localMidnightMs('2026-12-07') + 10 * HOUR + 17 * MIN,
    intervalMs: MIN,
    seed: 5,
  });
  const filings = records.filter((r) => r.source === 'declaration');
  assert.deepEqual(
    filings.map((r) => [r.start, r.end]),
    [['2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z']],
  );
  const minutes = records.filter((r) => Date.parse(r.end) - Date.parse(r.start) === MIN);
  assert.equal(minutes.length, 17, 'the 17 minutes after 10:00 come as one-minute records');
});

test('a push survives connection resets and "not now" answers, retried after growing pauses', async () => {
  // The hub resets the first two connections (as a loaded machine did: fetch failed, ECONNRESET), then answers 503
  // once, then takes the batch.
  const answers: Array<'reset' | 503 | 200> = ['reset', 'reset', 503, 200];
  const seen: number[] = [];
  const server = createServer((req, res) => {
    seen.push(performance.now());
    const a = answers.shift() ?? 200;
    if (a === 'reset') return void req.socket.destroy();
    res.writeHead(a, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  try {
    const res = await post(url, { method: 'POST', body: '{}' }, { firstDelayMs: 20 });
    assert.equal(res.status, 200);
    assert.equal(seen.length, 4, 'three retries');
    const gaps = seen.slice(1).map((t, i) => t - seen[i]!);
    assert.ok(
      gaps[2]! >= 2 * 20 * 2 - 5 && gaps[1]! >= 2 * 20 - 5,
      `the pauses grow: ${gaps.map(Math.round).join(', ')} ms`,
    );

    answers.push('reset', 'reset', 'reset');
    await assert.rejects(post(url, { method: 'POST', body: '{}' }, { retries: 2, firstDelayMs: 1 }), /fetch failed/);
    answers.push(503, 503);
    assert.equal((await post(url, { method: 'POST', body: '{}' }, { retries: 1, firstDelayMs: 1 })).status, 503);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
