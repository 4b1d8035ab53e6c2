/** @module Per-target reading history: which samples make one series. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TargetConfig } from '../config/types.ts';
import { TargetReadings } from './store.ts';

test('samples with the same labels in any order are one series; volatile labels do not split it', () => {
  const readings = new TargetReadings(
    { id: 'dcgm', protocol: 'fake', roles: [], config: {} } as unknown as TargetConfig,
    {
      maxGapMs: 60_000,
    },
  );
  const orders: Array<Record<string, string>> = [
    { vendor: 'NVIDIA', model: 'H800', bus: '0a', allocated: '1' },
    { model: 'H800', bus: '0a', vendor: 'NVIDIA', allocated: '0' },
    { bus: '0a', allocated: '1', vendor: 'NVIDIA', model: 'H800', namespace: 'ai' },
    { allocated: '0', model: 'H800', vendor: 'NVIDIA', bus: '0a' },
  ];
  orders.forEach((labels, i) =>
    readings.ingest(i * 10_000, [{ signal: 'power_watts', device: '0', value: 400 + i, labels }]),
  );
  assert.equal(readings.gauges.size, 1);
  assert.deepEqual([...readings.gauges.values()][0]!.labels, { vendor: 'NVIDIA', model: 'H800', bus: '0a' });
  // Another value of a stable label, another device: two more series.
  readings.ingest(50_000, [
    { signal: 'power_watts', device: '0', value: 1, labels: { vendor: 'NVIDIA', model: 'H20', bus: '0a' } },
    { signal: 'power_watts', device: '1', value: 1, labels: { bus: '0a', model: 'H800', vendor: 'NVIDIA' } },
  ]);
  assert.equal(readings.gauges.size, 3);
});
