/** @module The hub sink against a real hub: the short answer (a count) still settles every record of the batch. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HubSink } from './hub.ts';
import type { PendingRecord } from '../../push/outbox.ts';
import { recordKey } from '../../model/records.ts';
import { startTestHub, telemetry } from '../../hub/test-support.ts';
import type { CenterRecord } from '../../model/records.ts';

const T0 = Date.parse('2026-10-05T02:00:00Z');

function pending(records: CenterRecord[]): PendingRecord[] {
  return records.map((record, i) => ({ seq: 100 + i, key: recordKey(record), record, createdMs: T0 }));
}

test('a batch with one invalid record: the hub answers a count, the sink accepts the rest and dead-letters that one', async () => {
  const hub = await startTestHub({ now: () => T0 + 3_600_000 });
  const sink = new HubSink({
    name: 'hub',
    url: hub.url,
    token: hub.tokens['agent:gz-01']!,
    gzip: false,
    batch: 100,
    timeoutMs: 5000,
  });
  try {
    const bad = { ...telemetry('gz-01', T0 + 60_000), metrics: { e_total_kwh: -1 } };
    const batch = pending([telemetry('gz-01', T0), bad, telemetry('gz-01', T0 + 120_000)]);
    const out = await sink.send(batch, AbortSignal.timeout(5000));
    assert.equal(out.retry, undefined, JSON.stringify(out.retry));
    assert.deepEqual(out.accepted, [100, 102]);
    assert.deepEqual(
      out.rejected.map((r) => r.seq),
      [101],
    );
    assert.equal((out.rejected[0]!.errors as Array<{ path: string }>)[0]!.path, '/metrics/e_total_kwh');
    const stored = await hub.ctx.storage.queryRecords({ fromMs: T0, toMs: T0 + 600_000, centers: ['gz-01'] });
    assert.deepEqual(
      stored.map((r) => r.startMs),
      [T0, T0 + 120_000],
    );
  } finally {
    await sink.close();
    await hub.close();
  }
});

test('a record of another center: 403, nothing settled, the batch waits for an operator', async () => {
  const hub = await startTestHub({ now: () => T0 + 3_600_000 });
  const sink = new HubSink({
    name: 'hub',
    url: hub.url,
    token: hub.tokens['agent:gz-01']!,
    gzip: true,
    batch: 100,
    timeoutMs: 5000,
  });
  try {
    const out = await sink.send(pending([telemetry('gz-01', T0), telemetry('gd-01', T0)]), AbortSignal.timeout(5000));
    assert.deepEqual(out.accepted, []);
    assert.deepEqual(out.rejected, []);
    assert.equal(out.retry?.status, 403);
  } finally {
    await sink.close();
    await hub.close();
  }
});
