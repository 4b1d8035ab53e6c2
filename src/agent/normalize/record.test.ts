/** @module Record building from roles: every metric family from synthetic readings with known answers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Sample } from '../../../collectors/types.ts';
import { loadChipTable } from '../chips/classify.ts';
import { parseAgentConfig } from '../config/load.ts';
import { fakePlugin } from '../testing/fake-plugin.ts';
import { buildRecord } from './record.ts';
import { TargetReadings } from './store.ts';

const S = 1000;
const chips = loadChipTable();

async function setup() {
  const t = (id: string, roles: unknown[], extra: object = {}) => ({
    id,
    protocol: 'fake',
    roles,
    config: { name: id },
    ...extra,
  });
  const { config } = await parseAgentConfig(
    {
      center: 'gz-test',
      center_type: 'supercomputing',
      interval: '60s',
      scrape_interval: '10s',
      scheduling: { namespaces: '^platform-' },
      sinks: [{ type: 'stdout' }],
      targets: [
        t('meter', ['facility']),
        t('ups', [
          { role: 'it', device: '^output', integrate_power: true },
          { role: 'loss_input', device: '^input', integrate_power: true },
          { role: 'loss_output', device: '^output', integrate_power: true },
        ]),
        t('chiller', ['cooling', 'water']),
        t('pdu', ['rack'], { rack_per_device: true }),
        t('bmc', ['inventory', 'inlet']),
        t('node', ['compute']),
        t('dcgm', ['compute', 'inventory']),
      ],
    },
    { plugins: { fake: fakePlugin(new Map()) } },
  );
  const targets = new Map(
    config.targets.map((tc) => [tc.id, new TargetReadings(tc, { maxGapMs: 25 * S, schedNamespaces: /^platform-/ })]),
  );
  return { config, targets };
}

/** Readings for every target at time t (ms). */
function samplesAt(id: string, t: number): Sample[] {
  const h = t / 3_600_000;
  switch (id) {
    case 'meter':
      return [
        { signal: 'power_watts', value: t === 31 * S ? 150_000 : 100_000 },
        { signal: 'energy_kwh', value: 1000 + 100 * h },
      ];
    case 'ups':
      return [
        { signal: 'power_watts', device: 'input.1', value: 80_000 },
        { signal: 'power_watts', device: 'output.1', value: 76_000 },
      ];
    case 'chiller':
      return [
        { signal: 'energy_kwh', value: 5 + 20 * h },
        { signal: 'water_m3', value: 100 + 0.5 * h },
      ];
    case 'pdu':
      return [
        { signal: 'power_watts', value: 900 },
        { signal: 'power_watts', device: 'o1', value: 500 },
        { signal: 'power_watts', device: 'o2', value: 50 },
        { signal: 'power_watts', device: 'o3', value: t >= 31 * S ? 300 : 0 },
      ];
    case 'bmc':
      return [
        { signal: 'temperature_celsius', labels: { location: 'inlet' }, value: t === 41 * S ? 30 : 24 },
        { signal: 'temperature_celsius', labels: { location: 'exhaust' }, value: 45 },
        { signal: 'inventory', value: 1, labels: { kind: 'server' } },
        {
          signal: 'inventory',
          value: 2,
          labels: { kind: 'cpu', vendor: 'HiSilicon', model: 'Kunpeng 920-6426', cpu_implementer: '0x48' },
        },
      ];
    case 'node':
      return [
        { signal: 'cpu_seconds', labels: { mode: 'busy' }, value: 1e6 + 32 * (t / S) },
        { signal: 'cpu_seconds', labels: { mode: 'total' }, value: 3e6 + 64 * (t / S) },
      ];
    case 'dcgm': {
      const labels = { vendor: 'NVIDIA', model: 'NVIDIA A100-SXM4-80GB' };
      return [
        {
          signal: 'accel_utilization',
          device: '0',
          value: 0.5,
          labels: { ...labels, allocated: '1', namespace: 'platform-a' },
        },
        { signal: 'accel_utilization', device: '1', value: 0.02, labels: { ...labels, allocated: '0' } },
        { signal: 'inventory', value: 2, labels: { kind: 'accelerator', pci_vendor_id: '10de', ...labels } },
      ];
    }
  }
  return [];
}

function feed(
  targets: Map<string, TargetReadings>,
  from: number,
  to: number,
  skip: (id: string, t: number) => boolean = () => false,
) {
  for (let t = from; t <= to; t += 10 * S) {
    for (const [id, tr] of targets) if (!skip(id, t)) tr.ingest(t, samplesAt(id, t));
  }
}

function near(actual: number | boolean | undefined, expected: number, eps = 1e-6) {
  assert.equal(typeof actual, 'number', `expected ${expected}, got ${actual}`);
  assert.ok(Math.abs((actual as number) - expected) <= eps, `expected ${expected}, got ${actual}`);
}

test('every telemetry metric family comes out of the roles with the expected value', async () => {
  const { config, targets } = await setup();
  feed(targets, -9 * S, 71 * S);
  const { record, unclassified } = buildRecord({ config, chips, targets, inventoryTtlMs: 3_600_000 }, 0, 60 * S);
  const m = record.metrics;
  assert.equal(record.start, '1970-01-01T00:00:00.000Z');
  assert.equal(record.end, '1970-01-01T00:01:00.000Z');
  near(m.e_total_kwh, 100 / 60);
  near(m.p_total_kw_max, 150);
  near(m.e_it_kwh, 76 / 60);
  near(m.e_loss_kwh, 4 / 60);
  near(m.e_cooling_kwh, 20 / 60);
  near(m.water_m3, 0.5 / 60);
  near(m.racks_in_use, 94 / 60);
  near(m.inlet_temp_c_mean, 25);
  near(m.inlet_temp_c_max, 30);
  near(m.cpu_core_h_avail, (64 * 60) / 3600);
  near(m.cpu_core_h_busy, (32 * 60) / 3600);
  near(m.accel_dev_h_avail, 2 / 60);
  near(m.accel_dev_h_busy, 0.52 / 60);
  near(m.accel_dev_h_alloc, 1 / 60);
  near(m.accel_dev_h_sched, 0.5 / 60);
  near(m.accel_dom_dev_h_avail, 0);
  near(m.pflop_h_delivered, ((0.52 / 60) * 312) / 1000);
  near(m.accel_idle, 1);
  near(m.servers_total, 1);
  near(m.servers_domestic_cpu, 1);
  near(m.accel_total, 2);
  near(m.accel_domestic, 0);
  near(m.pf_general_fp32, (2 * 2.662) / 1000);
  near(m.pf_accel_fp16, 0.624);
  near(m.pf_accel_fp32, 0.039);
  near(m.pf_domestic_fp16, 0);
  near(m.pf_hpc_fp64, (2 * 1.331 + 2 * 19.5) / 1000);
  assert.deepEqual(record.quality, { targets_expected: 7, targets_missing: [], estimated: ['e_it_kwh', 'e_loss_kwh'] });
  assert.deepEqual(unclassified, []);
});

test('a silent meter makes its energy absent (not partial, not zero) and lists it missing', async () => {
  const { config, targets } = await setup();
  // The meter is silent from 45 s to 105 s.
  feed(targets, -9 * S, 191 * S, (id, t) => id === 'meter' && t > 45 * S && t < 105 * S);
  const ctx = { config, chips, targets, inventoryTtlMs: 3_600_000 };
  const first = buildRecord(ctx, 0, 60 * S).record;
  assert.equal(first.metrics.e_total_kwh, undefined);
  assert.deepEqual(first.quality?.targets_missing, ['meter']);
  // Other metrics are unaffected.
  near(first.metrics.e_cooling_kwh, 20 / 60);
  const second = buildRecord(ctx, 60 * S, 120 * S).record;
  assert.equal(second.metrics.e_total_kwh, undefined);
  assert.deepEqual(second.quality?.targets_missing, ['meter']);
  // Gauges are statistics over the time observed: the one reading at 111 s is the interval's maximum.
  near(second.metrics.p_total_kw_max, 100);
  // Once both boundaries are measured again, the delta is exact.
  const third = buildRecord(ctx, 120 * S, 180 * S).record;
  near(third.metrics.e_total_kwh, 100 / 60);
  assert.deepEqual(third.quality?.targets_missing, []);
});

test('inventory survives a missed scrape, and unknown chips are reported', async () => {
  const { config, targets } = await setup();
  feed(targets, -9 * S, 71 * S, (id, t) => id === 'bmc' && t > 0);
  targets
    .get('dcgm')!
    .ingest(75 * S, [{ signal: 'inventory', value: 4, labels: { kind: 'accelerator', vendor: 'Acme', model: 'Z9' } }]);
  const { record, unclassified } = buildRecord({ config, chips, targets, inventoryTtlMs: 3_600_000 }, 60 * S, 120 * S);
  near(record.metrics.servers_total, 1);
  near(record.metrics.accel_total, 4);
  near(record.metrics.pf_accel_fp16, 0);
  assert.deepEqual(unclassified, [{ kind: 'accelerator', vendor: 'Acme', model: 'Z9' }]);
  assert.ok(record.quality?.targets_missing?.includes('bmc'));
});
