/**
 * @module Thousands of random and malformed payloads (fast-check): the hub never crashes, answers 4xx,
 * and writes nothing from them. Random query parameters on every read endpoint, on both stores, are in
 * hostile/fuzz.test.ts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestHub, telemetry, type TestHub } from './test-support.ts';

let hub: TestHub;
const NOW = Date.parse('2026-10-05T02:00:00Z');
before(async () => {
  hub = await startTestHub({ now: () => NOW });
});
after(async () => hub.close());

/** A record made wrong in one of many ways (each alone is enough to reject it). */
const badRecord = fc.oneof(
  fc.anything(),
  fc.record({
    center: fc.string(),
    start: fc.string(),
    end: fc.string(),
    metrics: fc.dictionary(fc.string(), fc.anything()),
  }),
  fc
    .tuple(
      fc.constantFrom(
        'NaN',
        'Infinity',
        '-1',
        'huge',
        'future',
        'unknown-center',
        'unknown-metric',
        'end-before-start',
        'string-number',
        'histogram',
      ),
      // The record's minute from the generator, not Math.random: a failure's seed reproduces it.
      fc.integer({ min: 0, max: 999 }),
    )
    .map(([kind, minute]) => {
      const r = telemetry('gz-01', NOW - 3_600_000 - minute * 60_000) as unknown as Record<string, unknown>;
      const m = r.metrics as Record<string, unknown>;
      switch (kind) {
        case 'NaN':
          m.e_it_kwh = 'NaN';
          break;
        case 'Infinity':
          m.e_it_kwh = Infinity;
          break;
        case '-1':
          m.e_total_kwh = -1;
          break;
        case 'huge':
          m.e_total_kwh = 1e300;
          break;
        case 'future':
          r.end = '2099-01-01T00:00:00Z';
          break;
        case 'unknown-center':
          r.center = 'nowhere-99';
          break;
        case 'unknown-metric':
          m.bogus_metric = 1;
          break;
        case 'end-before-start':
          r.end = r.start;
          break;
        case 'string-number':
          m.e_it_kwh = '12';
          break;
        case 'histogram':
          r.histograms = { lat_hub_hist: { bounds: [1], counts: [1, 2] } };
          break;
      }
      return r;
    }),
);

test('fuzzed record batches are refused with 4xx and nothing is stored', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(badRecord, { minLength: 1, maxLength: 5 }), async (records) => {
      // Bad records only: claimed for the caller's own center when they name one, so permission is not what rejects them.
      const r = await hub.call('POST', '/api/v1/records', {
        scope: 'agent:gz-01',
        json: {
          records: records.map((x) =>
            x &&
            typeof x === 'object' &&
            !Array.isArray(x) &&
            'center' in x &&
            (x as { center: unknown }).center !== 'nowhere-99'
              ? { ...x, center: 'gz-01' }
              : x,
          ),
        },
      });
      assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}: ${r.text.slice(0, 300)}`);
    }),
    { numRuns: 1500 },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.json(),
        fc.string(),
        fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1')),
      ),
      fc.constantFrom('/api/v1/records', '/api/v1/declarations', '/api/v1/alerts', '/api/v1/admin/recompute'),
      async (body, path) => {
        const scope = path.endsWith('alerts')
          ? 'alertmanager'
          : path.includes('admin')
            ? 'admin'
            : path.endsWith('declarations')
              ? 'admin'
              : 'agent:gz-01';
        const r = await hub.call('POST', path, { scope, body, headers: { 'content-type': 'application/json' } });
        assert.ok(r.status >= 400 && r.status < 500, `${path} status ${r.status}: ${r.text.slice(0, 300)}`);
      },
    ),
    { numRuns: 1500 },
  );
  const stored = await hub.ctx.storage.queryRecords({ fromMs: 0, toMs: Date.parse('2100-01-01T00:00:00Z') });
  assert.equal(stored.length, 0, 'nothing from the fuzzed payloads was written');
  assert.equal((await hub.call('GET', '/healthz')).status, 200);
});
