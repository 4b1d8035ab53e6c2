/** @module Alertmanager webhooks: v4 validation, dedupe on fingerprint+status+startsAt, history scoped by province. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, type TestHub } from './test-support.ts';

let hub: TestHub;
before(async () => {
  hub = await startTestHub();
});
after(async () => hub.close());

const payload = (status: 'firing' | 'resolved', province: string, fp: string) => ({
  receiver: 'oncall-webhook',
  status,
  version: '4',
  groupKey: '{}:{alertname="PueHigh"}',
  truncatedAlerts: 0,
  groupLabels: { alertname: 'PueHigh' },
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://127.0.0.1:9093',
  alerts: [
    {
      status,
      labels: { alertname: 'PueHigh', province, severity: 'warning', center: 'gz-01' },
      annotations: { summary: 'PUE high' },
      startsAt: '2026-10-05T02:00:00Z',
      endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-10-05T03:00:00Z',
      generatorURL: 'http://127.0.0.1:9090/graph',
      fingerprint: fp,
    },
  ],
});

test('stores each distinct alert once; a repeated notification is a duplicate', async () => {
  const a = await hub.call('POST', '/api/v1/alerts', {
    scope: 'alertmanager',
    json: payload('firing', '52', '2b5cf1682f9c9fe8'),
  });
  assert.equal(a.status, 200, a.text);
  assert.deepEqual(a.body, { received: 1, stored: 1, duplicates: 0 });
  const b = await hub.call('POST', '/api/v1/alerts', {
    scope: 'alertmanager',
    json: payload('firing', '52', '2b5cf1682f9c9fe8'),
  });
  assert.deepEqual(b.body, { received: 1, stored: 0, duplicates: 1 });
  const c = await hub.call('POST', '/api/v1/alerts', {
    scope: 'alertmanager',
    json: payload('resolved', '52', '2b5cf1682f9c9fe8'),
  });
  assert.equal(c.body.stored, 1);
  // A province given by abbreviation (as some rule sets label it) is mapped to its code.
  await hub.call('POST', '/api/v1/alerts', { scope: 'alertmanager', json: payload('firing', '粤', '00ff') });
  const list = await hub.call('GET', '/api/v1/alerts', { scope: 'nation' });
  assert.equal(list.body.alerts.length, 3);
  const resolved = list.body.alerts.find((x: { status: string }) => x.status === 'resolved');
  assert.equal(resolved.endsAt, '2026-10-05T03:00:00Z');
  const firing = await hub.call('GET', '/api/v1/alerts?status=firing&province=52', { scope: 'province:52' });
  assert.equal(firing.body.alerts.length, 1);
  assert.equal(firing.body.alerts[0].endsAt, null);
});

test('invalid payloads get 400 naming the field', async () => {
  const bad = payload('firing', '52', 'ab');
  (bad as { version: string }).version = '3';
  const r = await hub.call('POST', '/api/v1/alerts', { scope: 'alertmanager', json: bad });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'DIMS_ERR_INVALID_ALERT');
  assert.match(r.body.error.message, /\/version/);
  const noFp = payload('firing', '52', 'ab');
  delete (noFp.alerts[0] as { fingerprint?: string }).fingerprint;
  const r2 = await hub.call('POST', '/api/v1/alerts', { scope: 'alertmanager', json: noFp });
  assert.match(r2.body.error.message, /fingerprint/);
});
