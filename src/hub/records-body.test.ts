/** @module The record-batch body parser gives exactly what JSON.parse / express.json give, for every shape of body. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { parseJsonBody } from './records-body.ts';
import { startTestHub, telemetry } from './test-support.ts';

const T0 = Date.parse('2026-10-01T00:00:00Z');

function same(text: string): void {
  assert.deepEqual(parseJsonBody(Buffer.from(text)), JSON.parse(text));
}

test('compact batches parse as JSON.parse does, also across runs and with boundary-like text inside values', () => {
  const many = Array.from({ length: 1500 }, (_, i) => ({
    ...telemetry(`c-${i}`, T0 + i * 60_000),
    key: i % 7 === 0 ? `x},{"y":${i}` : undefined,
  }));
  same(JSON.stringify({ records: many }));
  same(JSON.stringify({ records: [] }));
  same(JSON.stringify({ records: [{ a: [{ b: 1 }, { c: '},{' }], d: '数据中心 🌐' }, 1, 'two', null, [{}, {}]] }));
  same(JSON.stringify({ records: [{ s: `${'é'.repeat(30_000)}},{"evil":true}` }, { t: '\\"},{' }] }));
});

test('any batch of JSON values parses as JSON.parse does', () => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue(), { maxLength: 40 }), fc.boolean(), (records, pretty) => {
      same(JSON.stringify({ records }, null, pretty ? 2 : undefined));
    }),
    { numRuns: 500 },
  );
});

test('other bodies take the whole-body path: same values, the same strictness, and SyntaxErrors', () => {
  same('{"other":1,"records":[{"a":1},{"b":2}]}');
  same('  {"records":[{"a":1},{"b":2}]}\n');
  same('[1,2]');
  assert.deepEqual(parseJsonBody(Buffer.from('')), {});
  assert.deepEqual(parseJsonBody(Buffer.from('\uFEFF{"records":[]}')), { records: [] });
  for (const bad of [
    '{"records":[{"a":1},{]}',
    '{"records":[{"a":1},{"b":"},{}]}',
    '{"records":[',
    '"hello"',
    '12',
    'null',
  ]) {
    assert.throws(() => parseJsonBody(Buffer.from(bad)), SyntaxError, bad);
  }
});

test(
  'the records route accepts large compact batches, pretty, gzip, BOM and UTF-16 bodies, and refuses malformed ' +
    'ones with DIMS_ERR_BAD_JSON',
  async () => {
    const hub = await startTestHub({ now: () => T0 + 86_400_000 });
    try {
      const records = Array.from({ length: 600 }, (_, i) =>
        telemetry(i % 2 ? 'gz-01' : 'gz-02', T0 + Math.floor(i / 2) * 60_000),
      );
      const post = (body: Uint8Array<ArrayBuffer> | string, headers: Record<string, string> = {}) =>
        hub.call('POST', '/api/v1/records', {
          scope: 'federate:52',
          body,
          headers: { 'content-type': 'application/json', ...headers },
        });
      const compact = JSON.stringify({ records });
      assert.ok(compact.length > 100_000, 'spans several runs');
      let r = await post(compact);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.accepted.length, 600);
      for (const [body, headers] of [
        [JSON.stringify({ records: records.slice(0, 3) }, null, 2), {}],
        [gzipSync(compact), { 'content-encoding': 'gzip' }],
        [`\uFEFF${compact}`, {}],
        [Buffer.from(`\uFEFF${compact}`, 'utf16le'), { 'content-type': 'application/json; charset=utf-16le' }],
      ] as const) {
        r = await post(body, headers);
        assert.equal(r.status, 200, r.text);
      }
      assert.equal((await hub.ctx.storage.queryRecords({ fromMs: T0, toMs: T0 + 86_400_000 })).length, 600);
      for (const bad of ['{"records":[{"center":"gz-01"},{]}', '"records"']) {
        r = await post(bad);
        assert.equal(r.status, 400, r.text);
        assert.equal(r.body.error.code, 'DIMS_ERR_BAD_JSON');
      }
      r = await post(compact, { 'content-type': 'application/json; charset=latin9' });
      assert.equal(r.status, 415, r.text);
    } finally {
      await hub.close();
    }
  },
);
