/** @module /metrics: the newest record's inlet temperatures and end time per center, and what moves them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, telemetry } from './test-support.ts';

test('inlet temperatures and the last-record time follow the newest telemetry record only', async () => {
  const now = Date.parse('2026-11-02T04:00:00Z');
  const hub = await startTestHub({ now: () => now, config: { metrics: { auth: 'none' } } });
  try {
    const rec = (startMs: number, mean: number, max: number) => ({
      ...telemetry('gz-01', startMs),
      metrics: { ...telemetry('gz-01', startMs).metrics, inlet_temp_c_mean: mean, inlet_temp_c_max: max },
    });
    const t0 = now - 10 * 60_000;
    let r = await hub.call('POST', '/api/v1/records', {
      scope: 'agent:gz-01',
      json: { records: [rec(t0, 23.5, 29), rec(t0 + 60_000, 24, 33.5)] },
    });
    assert.equal(r.status, 200);
    // A late record for an earlier minute must not move the gauges back.
    r = await hub.call('POST', '/api/v1/records', {
      scope: 'agent:gz-01',
      json: { records: [rec(t0 - 60_000, 19, 20)] },
    });
    assert.equal(r.status, 200);
    // A monthly filing ending in the future is not a sign of live collection.
    r = await hub.call('POST', '/api/v1/declarations', {
      scope: 'admin',
      json: {
        records: [
          {
            center: 'gz-01',
            start: '2026-11-01T00:00:00+08:00',
            end: '2026-12-01T00:00:00+08:00',
            metrics: { security_incidents: 0 },
          },
        ],
      },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    assert.match(text, /dims_center_inlet_temperature_celsius\{province="52",center="gz-01",stat="mean"\} 24\n/);
    assert.match(text, /dims_center_inlet_temperature_celsius\{province="52",center="gz-01",stat="max"\} 33\.5\n/);
    assert.match(
      text,
      new RegExp(
        `dims_center_last_record_timestamp_seconds\\{province="52",center="gz-01"\\} ${(t0 + 120_000) / 1000}\\n`,
      ),
    );
  } finally {
    await hub.close();
  }
});
