/**
 * @module The standing hostile suite: every case of cases.ts against a hub on the embedded store and on a
 * real InfluxDB. Each case must get its status, a JSON error with a bounded echo and no stack, the
 * security headers, and leave storage exactly as it was. Prints the table of cases tried and handled
 * per endpoint and store, and checks that every operation of the OpenAPI document is attacked.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startInfluxd, type InfluxdHandle } from '../../../tests/support/influxd.ts';
import type { TestHub } from '../test-support.ts';
import { CASES } from './cases.ts';
import { openapiDocument } from '../openapi.ts';
import { judge, send, snapshot, startHostileHub, type StoreKind } from './harness.ts';

let influxd: InfluxdHandle;
before(async () => {
  influxd = await startInfluxd();
});
after(async () => {
  await influxd?.dispose();
});

/** tried / handled per endpoint and store, for the table. */
const tally = new Map<string, Record<StoreKind, { tried: number; handled: number }>>();

for (const store of ['sqlite', 'influxdb'] as const) {
  test(`hostile cases on ${store}: status, error shape, nothing stored`, async (t) => {
    const hub: TestHub = await startHostileHub(store, influxd.url);
    const failures: string[] = [];
    try {
      let before = await snapshot(hub);
      for (const c of CASES) {
        const row = tally.get(c.endpoint) ?? {
          sqlite: { tried: 0, handled: 0 },
          influxdb: { tried: 0, handled: 0 },
        };
        tally.set(c.endpoint, row);
        row[store].tried++;
        const req = typeof c.request === 'function' ? await c.request(store) : c.request;
        const answer = await send(hub, req);
        const problems = judge(c, answer, req);
        const after = await snapshot(hub);
        if (after !== before) {
          problems.push('storage changed');
          // Later cases are judged against what is stored now, not blamed for this one.
          before = after;
        }
        if (problems.length === 0) row[store].handled++;
        else failures.push(`${c.endpoint} [${c.class}] ${c.name}: ${problems.join('; ')}`);
      }
      assert.equal((await hub.call('GET', '/healthz')).status, 200, 'the hub still answers');
    } finally {
      await hub.close();
    }
    t.diagnostic(`${CASES.length - failures.length} of ${CASES.length} cases handled on ${store}`);
    assert.deepEqual(failures, [], failures.join('\n'));
  });
}

test('the table of cases tried and handled', (t) => {
  const lines = [
    '| endpoint | sqlite tried | sqlite handled | influxdb tried | influxdb handled |',
    '|---|---|---|---|---|',
  ];
  for (const [endpoint, r] of tally)
    lines.push(
      `| ${endpoint} | ${r.sqlite.tried} | ${r.sqlite.handled} | ${r.influxdb.tried} | ${r.influxdb.handled} |`,
    );
  for (const l of lines) t.diagnostic(l);
  // Every operation the OpenAPI document lists is attacked on both stores.
  const doc = openapiDocument() as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.entries(doc.paths).flatMap(([p, ops]) =>
    Object.keys(ops)
      .filter((m) => ['get', 'post', 'put', 'delete', 'patch'].includes(m))
      .map((m) => `${m.toUpperCase()} ${p}`),
  );
  const missed = operations.filter((op) => !(tally.get(op)?.sqlite.tried && tally.get(op)?.influxdb.tried));
  assert.deepEqual(missed, [], `operations no case attacks: ${missed.join(', ')}`);
});
