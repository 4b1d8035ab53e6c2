/** @module The prometheus collector against its simulator over loopback HTTP(S): mappings, negotiation, auth, TLS and every fault. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { DcgmState, NodeState, NpuState, SimDevice } from '../device-state.ts';
import { CollectError } from '../../../collectors/types.ts';
import type { Sample } from '../../../collectors/types.ts';
import { prometheusPlugin } from '../../../collectors/prometheus/index.ts';
import type { PrometheusConfig } from '../../../collectors/prometheus/index.ts';
import { startPrometheusSimulator } from './simulator.ts';
import type { PrometheusSimulator } from './simulator.ts';
import { selfSignedCert, startStub, testContext } from '../../../collectors/prometheus/test-helpers.ts';

const node: SimDevice<NodeState> = {
  id: 'host-1',
  kind: 'node',
  // 4 logical CPUs, 2 cores per package → 2 packages.
  read: () => ({
    kind: 'node',
    cpu: { manufacturer: 'Hygon', model: 'Hygon C86 7285 32-core Processor', cores: 2, vendorId: 'HygonGenuine' },
    cpuSeconds: [0, 1, 2, 3].map((i) => ({
      idle: 100 + i,
      iowait: 5,
      user: 20 + i,
      system: 10,
      irq: 1,
      softirq: 2,
      steal: 0,
      nice: 0,
    })),
  }),
};
const armNode: SimDevice<NodeState> = {
  id: 'kunpeng-1',
  kind: 'node',
  read: () => ({
    kind: 'node',
    cpu: { manufacturer: 'HiSilicon', model: 'Kunpeng-920', cores: 2, implementer: '0x48' },
    cpuSeconds: [
      { idle: 10, user: 5 },
      { idle: 10, user: 5 },
    ],
  }),
};
const dcgm: SimDevice<DcgmState> = {
  id: 'gpu-host-1',
  kind: 'dcgm',
  read: () => ({
    kind: 'dcgm',
    hostname: 'gpu-host-1',
    gpus: [
      {
        uuid: 'GPU-aaa',
        model: 'NVIDIA H800',
        utilizationPercent: 87,
        powerWatts: 512.5,
        energyMillijoules: 123_456_000,
        pod: 'train-0',
        namespace: 'ml',
      },
      {
        uuid: 'GPU-bbb',
        model: 'NVIDIA H800',
        utilizationPercent: 0,
        powerWatts: 61,
        energyMillijoules: 9_000_000,
        pod: '',
        namespace: '',
      },
    ],
  }),
};
const npu: SimDevice<NpuState> = {
  id: 'npu-host-1',
  kind: 'npu',
  read: () => ({
    kind: 'npu',
    chips: [
      {
        id: 0,
        name: 'Ascend-910B-V1',
        utilizationPercent: 40,
        powerWatts: 280,
        temperatureCelsius: 55,
        health: 1,
        pod: 'infer-1',
        namespace: 'serving',
      },
      {
        id: 1,
        name: 'Ascend-910B-V1',
        utilizationPercent: 0,
        powerWatts: 90,
        temperatureCelsius: 41,
        health: 1,
        pod: '',
        namespace: '',
      },
    ],
  }),
};

let sim: PrometheusSimulator;
before(async () => {
  sim = await startPrometheusSimulator({ devices: [node, armNode, dcgm, npu], host: '127.0.0.1', port: 0 });
});
after(async () => {
  await sim.close();
});

async function collect(
  config: PrometheusConfig,
  timeoutMs = 3000,
  secrets: Record<string, string> = {},
): Promise<Sample[]> {
  const c = prometheusPlugin.create(config, testContext(secrets));
  try {
    return await c.collect(AbortSignal.timeout(timeoutMs));
  } finally {
    await c.close();
  }
}

async function collectError(config: PrometheusConfig, timeoutMs = 3000): Promise<CollectError> {
  try {
    await collect(config, timeoutMs);
  } catch (err) {
    assert.ok(err instanceof CollectError, `expected a CollectError, got ${String(err)}`);
    return err;
  }
  assert.fail('collect succeeded but an error was expected');
}

const find = (samples: Sample[], signal: string, pred: (s: Sample) => boolean = () => true): Sample[] =>
  samples.filter((s) => s.signal === signal && pred(s));

test('node_exporter CPU seconds become busy (all but idle and iowait) and total', async () => {
  const samples = await collect({ url: sim.url(node.id), profiles: ['node_exporter'] });
  const busy = find(samples, 'cpu_seconds', (s) => s.labels?.['mode'] === 'busy');
  const total = find(samples, 'cpu_seconds', (s) => s.labels?.['mode'] === 'total');
  // Per CPU i: busy = 20+i + 10 + 1 + 2 = 33+i; total = busy + 100+i + 5.
  assert.equal(busy.length, 1);
  assert.equal(busy[0]!.value, 33 * 4 + 6);
  assert.equal(total[0]!.value, 138 * 4 + 12);
});

test('node_cpu_info counts distinct packages and names the vendor', async () => {
  const samples = await collect({ url: sim.url(node.id), profiles: ['node_exporter'] });
  assert.deepEqual(find(samples, 'inventory'), [
    {
      signal: 'inventory',
      value: 2,
      labels: { kind: 'cpu', vendor: 'Hygon', model: 'Hygon C86 7285 32-core Processor' },
    },
  ]);
});

test('an ARM CPU implementer code maps to the vendor and is kept as cpu_implementer', async () => {
  const samples = await collect({ url: sim.url(armNode.id), profiles: ['node_exporter'] });
  assert.deepEqual(find(samples, 'inventory'), [
    {
      signal: 'inventory',
      value: 1,
      labels: { kind: 'cpu', vendor: 'HiSilicon', model: 'Kunpeng-920', cpu_implementer: '0x48' },
    },
  ]);
});

test('DCGM utilization is a ratio per GPU, pods mark allocation, energy is in joules', async () => {
  const samples = await collect({ url: sim.url(dcgm.id), profiles: ['dcgm_exporter'] });
  assert.deepEqual(find(samples, 'accel_utilization'), [
    {
      signal: 'accel_utilization',
      value: 0.87,
      device: '0',
      labels: { vendor: 'NVIDIA', model: 'NVIDIA H800', allocated: '1', namespace: 'ml' },
    },
    {
      signal: 'accel_utilization',
      value: 0,
      device: '1',
      labels: { vendor: 'NVIDIA', model: 'NVIDIA H800', allocated: '0' },
    },
  ]);
  assert.deepEqual(
    find(samples, 'accel_power_watts').map((s) => [s.device, s.value]),
    [
      ['0', 512.5],
      ['1', 61],
    ],
  );
  assert.deepEqual(
    find(samples, 'accel_energy_joules').map((s) => [s.device, s.value]),
    [
      ['0', 123_456],
      ['1', 9_000],
    ],
  );
  assert.deepEqual(find(samples, 'inventory'), [
    {
      signal: 'inventory',
      value: 2,
      labels: { kind: 'accelerator', vendor: 'NVIDIA', pci_vendor_id: '10de', model: 'NVIDIA H800' },
    },
  ]);
});

test('npu-exporter chips get the model from npu_chip_info_name and allocation from pod_name', async () => {
  const samples = await collect({ url: sim.url(npu.id), profiles: ['npu_exporter'] });
  assert.deepEqual(find(samples, 'accel_utilization'), [
    {
      signal: 'accel_utilization',
      value: 0.4,
      device: '0',
      labels: { vendor: 'Huawei', model: 'Ascend 910B', allocated: '1', namespace: 'serving' },
    },
    {
      signal: 'accel_utilization',
      value: 0,
      device: '1',
      labels: { vendor: 'Huawei', model: 'Ascend 910B', allocated: '0' },
    },
  ]);
  assert.deepEqual(
    find(samples, 'accel_power_watts').map((s) => [s.device, s.value]),
    [
      ['0', 280],
      ['1', 90],
    ],
  );
  assert.deepEqual(find(samples, 'inventory'), [
    {
      signal: 'inventory',
      value: 2,
      labels: { kind: 'accelerator', vendor: 'Huawei', pci_vendor_id: '19e5', model: 'Ascend 910B' },
    },
  ]);
});

test('the collector negotiates OpenMetrics, and gzip on or off gives the same samples', async () => {
  const viaHttp = await fetch(sim.url(dcgm.id), {
    headers: { Accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' },
  });
  assert.match(viaHttp.headers.get('content-type') ?? '', /openmetrics/);
  assert.match(await viaHttp.text(), /DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total\{/);
  const plain = await fetch(sim.url(dcgm.id));
  assert.match(plain.headers.get('content-type') ?? '', /version=0\.0\.4/);
  const gz = await collect({ url: sim.url(dcgm.id) });
  const raw = await collect({ url: sim.url(dcgm.id), compression: 'none' });
  assert.deepEqual(gz, raw);
  assert.ok(gz.length > 0);
});

test('all profiles by default: a node scrape yields only node signals', async () => {
  const samples = await collect({ url: sim.url(node.id) });
  assert.deepEqual([...new Set(samples.map((s) => s.signal))].sort(), ['cpu_seconds', 'inventory']);
});

test('a hung exporter is abandoned at the deadline as a timeout', async () => {
  sim.setFault(node.id, { hang: true });
  try {
    const t0 = performance.now();
    const err = await collectError({ url: sim.url(node.id) }, 300);
    const took = performance.now() - t0;
    assert.equal(err.kind, 'timeout');
    assert.match(err.message, new RegExp(sim.url(node.id).replaceAll('.', '\\.')));
    assert.ok(took < 1500, `took ${took} ms`);
  } finally {
    sim.setFault(node.id, null);
  }
});

test('a slow answer within the deadline is collected', async () => {
  sim.setFault(node.id, { delayMs: 200 });
  try {
    const samples = await collect({ url: sim.url(node.id) }, 2000);
    assert.ok(find(samples, 'cpu_seconds').length === 2);
  } finally {
    sim.setFault(node.id, null);
  }
});

const faultCases: Array<{
  name: string;
  fault: Parameters<PrometheusSimulator['setFault']>[1];
  kind: string;
  message: RegExp;
}> = [
  { name: 'HTTP 503', fault: { httpStatus: 503 }, kind: 'http_status', message: /HTTP 503/ },
  {
    name: 'an HTML error page with status 200',
    fault: { htmlErrorPage: true },
    kind: 'content_type',
    message: /text\/html/,
  },
  { name: 'a truncated body', fault: { malformed: true }, kind: 'parse', message: /line \d+: / },
];
for (const c of faultCases) {
  test(`${c.name} fails as ${c.kind}, naming the URL`, async () => {
    sim.setFault(npu.id, c.fault);
    try {
      const err = await collectError({ url: sim.url(npu.id) });
      assert.equal(err.kind, c.kind);
      assert.match(err.message, c.message);
      assert.ok(err.message.includes(sim.url(npu.id)), err.message);
    } finally {
      sim.setFault(npu.id, null);
    }
  });
}

test('bearer and basic auth are sent; wrong credentials are an auth error', async () => {
  const authSim = await startPrometheusSimulator({
    devices: [node],
    auth: { bearerToken: 's3cret', basic: { username: 'scraper', password: 'pw' } },
  });
  try {
    const secrets = { 'env:TOKEN': 's3cret\n', 'env:PW': 'pw', 'env:BAD': 'nope' };
    assert.ok((await collect({ url: authSim.url(node.id), bearer_token: 'env:TOKEN' }, 3000, secrets)).length > 0);
    assert.ok(
      (
        await collect(
          { url: authSim.url(node.id), basic_auth: { username: 'scraper', password: 'env:PW' } },
          3000,
          secrets,
        )
      ).length > 0,
    );
    await assert.rejects(
      collect({ url: authSim.url(node.id), bearer_token: 'env:BAD' }, 3000, secrets),
      (e: unknown) => e instanceof CollectError && e.kind === 'auth',
    );
  } finally {
    await authSim.close();
  }
});

test('TLS is verified by default; insecure_skip_verify and ca_file each let a self-signed exporter through', async () => {
  const cert = selfSignedCert();
  const tlsSim = await startPrometheusSimulator({ devices: [node], tls: { key: cert.key, cert: cert.cert } });
  try {
    const url = tlsSim.url(node.id);
    assert.match(url, /^https:/);
    const err = await collectError({ url });
    assert.equal(err.kind, 'connection');
    assert.match(err.message, /TLS certificate verification failed/);
    assert.ok((await collect({ url, insecure_skip_verify: true })).length > 0);
    assert.ok((await collect({ url, ca_file: cert.certFile })).length > 0);
  } finally {
    await tlsSim.close();
    cert.cleanup();
  }
});

test('a body over max_body_bytes is refused before it is parsed', async () => {
  const body = `# TYPE node_load1 gauge\n${'node_load1 0.5\n'.repeat(2000)}`;
  const stub = await startStub({ '/metrics': { body, contentType: 'text/plain; version=0.0.4' } });
  try {
    const err = await collectError({ url: stub.url('/metrics'), compression: 'none', max_body_bytes: 4096 });
    assert.equal(err.kind, 'protocol');
    assert.match(err.message, /body larger than 4096 bytes/);
  } finally {
    await stub.close();
  }
});

test('credentials in the URL are sent as basic auth', async () => {
  const authSim = await startPrometheusSimulator({
    devices: [node],
    host: '127.0.0.1',
    port: 0,
    auth: { basic: { username: 'scrape', password: 'p@ss' } },
  });
  try {
    const url = authSim.url('host-1').replace('http://', 'http://scrape:p%40ss@');
    const samples = await collect({ url, profiles: ['node_exporter'] });
    assert.ok(samples.some((s) => s.signal === 'cpu_seconds'));
  } finally {
    await authSim.close();
  }
});

test('a refused connection is a connection error', async () => {
  const err = await collectError({ url: 'http://127.0.0.1:1/metrics' });
  assert.equal(err.kind, 'connection');
});

const configCases: Array<{ name: string; config: unknown; message: RegExp }> = [
  { name: 'a missing url', config: {}, message: /url is required/ },
  {
    name: 'a non-http url',
    config: { url: 'ftp://x/metrics' },
    message: /url must match pattern .* \(got "ftp:\/\/x\/metrics"\)/,
  },
  {
    name: 'an unknown profile',
    config: { url: 'http://x/metrics', profiles: ['nvml'] },
    message: /profiles\.0 must be one of .*\(got "nvml"\)/,
  },
  {
    name: 'a plain-text password',
    config: { url: 'http://x/m', basic_auth: { username: 'u', password: 'hunter2' } },
    message: /basic_auth\.password must match pattern/,
  },
  { name: 'an unknown option', config: { url: 'http://x/m', timeout: 5 }, message: /timeout is not an allowed field/ },
  {
    name: 'both auth kinds',
    config: { url: 'http://x/m', bearer_token: 'env:A', basic_auth: { username: 'u', password: 'env:B' } },
    message: /exclusive/,
  },
];
for (const c of configCases) {
  test(`create() rejects ${c.name}, naming the field`, () => {
    assert.throws(
      () => prometheusPlugin.create(c.config as PrometheusConfig, testContext()),
      (e: unknown) => e instanceof CollectError && e.kind === 'config' && c.message.test(e.message),
    );
  });
}
