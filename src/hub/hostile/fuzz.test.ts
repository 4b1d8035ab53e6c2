/**
 * @module The hostile suite's random half (fast-check), on both stores: every read endpoint with generated
 * hostile parameters never answers 5xx or anything but JSON; every write endpoint refuses generated bad
 * bodies (intervals that do not divide the hour, overlaps with stored records, garbage) with a 4xx JSON
 * error; and nothing stored changes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startInfluxd, type InfluxdHandle } from '../../../tests/support/influxd.ts';
import { telemetry } from '../test-support.ts';
import { send, snapshot, startHostileHub, SEED_FROM } from './harness.ts';

let influxd: InfluxdHandle;
before(async () => {
  influxd = await startInfluxd();
});
after(async () => {
  await influxd?.dispose();
});

const hostileText = fc.oneof(
  fc.string({ maxLength: 16 }),
  fc.constantFrom(
    "' OR '1'='1",
    '"; DROP TABLE center_record; --',
    '%00',
    '\u0000',
    '0x10',
    '1e400',
    '-0',
    'Tue 1 Jan 2030',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '1500-01-01T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-10-05T10:00:00+08:00',
    '2026-10',
    '2026-Q5',
    '0001',
    '9999',
    '../../etc/passwd',
    '/.*/',
    'pue,pue,pue',
    '52',
    'x'.repeat(3000),
  ),
);

const READS = [
  '/api/v1/values',
  '/api/v1/overview',
  '/api/v1/series',
  '/api/v1/rankings',
  '/api/v1/coverage',
  '/api/v1/alerts',
  '/api/v1/hierarchy',
  '/api/v1/catalog',
  '/api/v1/admin/status',
  '/api/v1/whoami',
  '/api/v1/reports/deliveries',
  '/metrics',
];
const PARAMS = [
  'level',
  'code',
  'kind',
  'period',
  'indicator',
  'indicators',
  'province',
  'from',
  'to',
  'limit',
  'status',
  'since',
  'dimension',
];

/** Telemetry that must be refused: an interval that does not divide the hour, or one overlapping the stored hour. */
const refusedRecord = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 7200 }), fc.integer({ min: 0, max: 50 }))
    .filter(([s]) => 3600 % s !== 0)
    .map(([s, k]) => ({
      ...telemetry('gz-01', SEED_FROM - 86_400_000 + k * 60_000),
      end: new Date(SEED_FROM - 86_400_000 + k * 60_000 + s * 1000).toISOString(),
    })),
  fc
    .tuple(fc.constantFrom(1, 2, 5, 10, 30, 120, 300, 600, 900, 1800, 3600), fc.integer({ min: 0, max: 3599 }))
    .map(([s, k]) => {
      const start = SEED_FROM + Math.floor((k * 1000) / (s * 1000)) * s * 1000;
      return { ...telemetry('gz-01', start), end: new Date(start + s * 1000).toISOString() };
    }),
  fc.anything(),
);

for (const store of ['sqlite', 'influxdb'] as const) {
  test(`${store}: random hostile reads never 5xx, random bad writes get 4xx, and nothing stored changes`, async () => {
    const hub = await startHostileHub(store, influxd.url);
    try {
      const before = await snapshot(hub);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...READS),
          fc.dictionary(fc.constantFrom(...PARAMS), hostileText, { maxKeys: 5 }),
          fc.constantFrom('nation', 'province:52', 'admin'),
          async (path, params, scope) => {
            const qs = new URLSearchParams(params).toString();
            const r = await send(hub, { method: 'GET', path: `${path}?${qs}`, scope });
            assert.ok(r.status < 500, `${path}?${qs}: ${r.status} ${r.text.slice(0, 300)}`);
            if (path !== '/metrics' || r.status >= 400)
              assert.match(r.headers.get('content-type') ?? '', /^application\/json/, `${path}?${qs}`);
            assert.doesNotMatch(r.text, /\n\s+at |file:\/\//);
          },
        ),
        { numRuns: 400 },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.array(refusedRecord, { minLength: 1, maxLength: 4 }).map((records) => ({
              path: '/api/v1/records',
              scope: 'agent:gz-01',
              json: { records } as unknown,
            })),
            fc.json().map((j) => ({ path: '/api/v1/declarations', scope: 'admin', body: j })),
            fc.json().map((j) => ({ path: '/api/v1/alerts', scope: 'alertmanager', body: j })),
            fc
              .record({ kind: hostileText, period: hostileText })
              .map((json) => ({ path: '/api/v1/admin/recompute', scope: 'admin', json: json as unknown })),
          ),
          async (w) => {
            const r = await send(hub, {
              method: 'POST',
              path: w.path,
              scope: w.scope,
              ...('json' in w ? { json: w.json } : { body: w.body, headers: { 'content-type': 'application/json' } }),
            });
            assert.ok(r.status >= 400 && r.status < 500, `${w.path}: ${r.status} ${r.text.slice(0, 300)}`);
            assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
            assert.equal(typeof (r.body as { error?: { code?: unknown } }).error?.code, 'string');
          },
        ),
        { numRuns: 300 },
      );
      assert.equal(await snapshot(hub), before, 'nothing stored changed');
    } finally {
      await hub.close();
    }
  });
}
