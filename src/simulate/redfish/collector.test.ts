/** @module The redfish collector against its simulator over loopback: schemas, vendor styles, auth, TLS, deadline and every fault. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { PduState, ServerState } from '../device-state.ts';
import { CollectError } from '../../../collectors/types.ts';
import type { Sample } from '../../../collectors/types.ts';
import { redfishPlugin } from '../../../collectors/redfish/index.ts';
import type { RedfishConfig } from '../../../collectors/redfish/index.ts';
import { startRedfishSimulator } from './simulator.ts';
import type { BmcStyle, RedfishDevice, RedfishSimulator } from './simulator.ts';
import { selfSignedCert, testContext } from '../../../collectors/redfish/test-helpers.ts';

const serverState: ServerState = {
  kind: 'server',
  powerWatts: 412.3,
  energyKwh: 1234.5,
  inletCelsius: 22.1,
  exhaustCelsius: 35.4,
  psus: [
    { inputWatts: 210, outputWatts: 195, energyKwh: 600 },
    { inputWatts: 205, outputWatts: 190, energyKwh: 590 },
  ],
  cpus: [
    { manufacturer: 'Hygon', model: 'Hygon C86 7390 32-core Processor', cores: 32, vendorId: 'HygonGenuine' },
    { manufacturer: 'Hygon', model: 'Hygon C86 7390 32-core Processor', cores: 32, vendorId: 'HygonGenuine' },
  ],
  accelerators: [
    { manufacturer: 'Huawei', model: 'Ascend 910B', pciVendorId: '19e5' },
    { manufacturer: 'Huawei', model: 'Ascend 910B', pciVendorId: '19e5' },
    { manufacturer: 'NVIDIA', model: 'A800', pciVendorId: '10de' },
  ],
};
const pduState: PduState = {
  kind: 'pdu',
  powerWatts: 3120.5,
  energyKwh: 88123.25,
  inletCelsius: 24,
  outlets: [
    { name: 'Outlet 1', powerWatts: 410, energyKwh: 1500, on: true },
    { name: 'Outlet 2', powerWatts: 0, energyKwh: 12, on: false },
  ],
};
const server = (id: string, style: Partial<BmcStyle>): RedfishDevice => ({
  id,
  kind: 'server',
  style,
  read: () => serverState,
});
const devices: RedfishDevice[] = [
  server('modern', {}),
  server('legacy', { schema: 'legacy' }),
  server('dell', { vendor: 'dell' }),
  server('hpe', { vendor: 'hpe', schema: 'legacy' }),
  server('huawei', { vendor: 'huawei' }),
  server('faulty', {}),
  { id: 'pdu', kind: 'pdu', read: () => pduState },
];

let sim: RedfishSimulator;
before(async () => {
  sim = await startRedfishSimulator({
    devices,
    host: '127.0.0.1',
    port: 0,
    credentials: { username: 'dims', password: 'pw' },
  });
});
after(async () => {
  await sim.close();
});

const SECRETS = { 'env:BMC_PW': 'pw', 'env:BAD': 'wrong' };
const cfg = (id: string, extra: Partial<RedfishConfig> = {}): RedfishConfig => ({
  url: sim.url(id),
  username: 'dims',
  password: 'env:BMC_PW',
  ...extra,
});

async function collect(config: RedfishConfig, timeoutMs = 5000, ctx = testContext(SECRETS)): Promise<Sample[]> {
  const c = redfishPlugin.create(config, ctx);
  try {
    return await c.collect(AbortSignal.timeout(timeoutMs));
  } finally {
    await c.close();
  }
}

async function collectError(config: RedfishConfig, timeoutMs = 5000): Promise<CollectError> {
  try {
    await collect(config, timeoutMs);
  } catch (err) {
    assert.ok(err instanceof CollectError, `expected a CollectError, got ${String(err)}`);
    return err;
  }
  assert.fail('collect succeeded but an error was expected');
}

const one = (samples: Sample[], signal: string, pred: (s: Sample) => boolean = () => true): Sample | undefined =>
  samples.find((s) => s.signal === signal && pred(s));
const whole = (s: Sample): boolean => s.device === undefined;

function assertServerReadings(samples: Sample[], withEnergy: boolean): void {
  assert.equal(one(samples, 'power_watts', whole)?.value, 412.3);
  assert.equal(one(samples, 'energy_kwh', whole)?.value, withEnergy ? 1234.5 : undefined);
  assert.equal(one(samples, 'temperature_celsius', (s) => s.labels?.['location'] === 'inlet')?.value, 22.1);
  assert.equal(one(samples, 'temperature_celsius', (s) => s.labels?.['location'] === 'exhaust')?.value, 35.4);
  assert.deepEqual(
    samples.filter((s) => s.signal === 'power_watts' && !whole(s)).map((s) => s.value),
    [210, 205],
  );
  assert.equal(samples.filter((s) => s.signal === 'fan_percent').length, 4);
  assert.deepEqual(
    samples
      .filter((s) => s.signal === 'inventory' && s.labels?.['kind'] !== 'server')
      .map((s) => [
        s.labels?.['kind'],
        s.labels?.['vendor'],
        s.labels?.['model'],
        s.labels?.['pci_vendor_id'],
        s.value,
      ]),
    [
      ['cpu', 'Hygon', 'Hygon C86 7390 32-core Processor', undefined, 2],
      ['accelerator', 'Huawei', 'Ascend 910B', '19e5', 2],
      ['accelerator', 'NVIDIA', 'A800', '10de', 1],
    ],
  );
}

test('a modern BMC is read from EnvironmentMetrics, PowerSubsystem and ThermalSubsystem, never the legacy resources', async () => {
  const before = sim.stats('modern').log.length;
  const samples = await collect(cfg('modern'));
  assertServerReadings(samples, true);
  const log = sim.stats('modern').log.slice(before);
  assert.ok(log.some((l) => l.endsWith('/EnvironmentMetrics')));
  assert.ok(!log.some((l) => /\/(Power|Thermal)$/.test(l)), `legacy resources were read: ${log.join(', ')}`);
  // Accelerators are Processors here; PCIe devices must not be read (nor counted twice).
  assert.ok(!log.some((l) => l.includes('PCIeDevices')));
});

test('a legacy-only BMC falls back to Power and Thermal, accelerators from PCIe devices (NICs ignored)', async () => {
  const samples = await collect(cfg('legacy'));
  assertServerReadings(samples, false);
  assert.ok(sim.stats('legacy').log.some((l) => l.endsWith('/Chassis/1U/Power')));
});

test('Dell: an extra chassis answering 404 is skipped and logged, readings still come', async () => {
  const ctx = testContext(SECRETS);
  const samples = await collect(cfg('dell'), 5000, ctx);
  assertServerReadings(samples, true);
  assert.deepEqual(one(samples, 'inventory', (s) => s.labels?.['kind'] === 'server')?.labels, {
    kind: 'server',
    vendor: 'Dell',
    model: 'PowerEdge R750',
  });
  assert.ok(
    ctx.lines.some((l) => /^warn .*Enclosure\.Internal\.0-1: HTTP 404/.test(l)),
    ctx.lines.join('\n'),
  );
});

test('HPE iLO 4: fan fields FanName/CurrentReading/Units are read; the BMC needs OData-Version, which we send', async () => {
  const raw = await fetch(`${sim.url('hpe')}/redfish/v1/`);
  assert.equal(raw.status, 412);
  const samples = await collect(cfg('hpe'));
  assertServerReadings(samples, false);
  assert.deepEqual(
    samples.filter((s) => s.signal === 'fan_percent').map((s) => s.device),
    ['Fan 1', 'Fan 2', 'Fan 3', 'Fan 4'],
  );
});

test('Huawei: string readings and a missing ChassisType are absorbed by the huawei profile, and a power-less chassis is passed over', async () => {
  const samples = await collect(cfg('huawei'));
  assertServerReadings(samples, true);
  // The same BMC under the generic profile rejects string numbers: the quirk lives in profile data.
  const generic = await collect(cfg('huawei', { profile: 'generic' }));
  assert.equal(one(generic, 'power_watts'), undefined);
});

test('a Redfish rack PDU gives total power and energy, inlet temperature and outlets', async () => {
  const samples = await collect(cfg('pdu'));
  assert.deepEqual(samples.filter(whole), [
    { signal: 'power_watts', value: 3120.5 },
    { signal: 'energy_kwh', value: 88123.25 },
    { signal: 'temperature_celsius', value: 24, labels: { location: 'inlet' } },
  ]);
  assert.deepEqual(
    samples.filter((s) => s.device === 'Outlet 2'),
    [
      { signal: 'power_watts', value: 0, device: 'Outlet 2', labels: { component: 'outlet' } },
      { signal: 'energy_kwh', value: 12, device: 'Outlet 2', labels: { component: 'outlet' } },
      { signal: 'status', value: 0, device: 'Outlet 2', labels: { component: 'outlet', state: 'off' } },
    ],
  );
});

test('include limits what is read', async () => {
  const samples = await collect(cfg('modern', { include: ['inventory'] }));
  assert.deepEqual([...new Set(samples.map((s) => s.signal))], ['inventory']);
  const thermal = await collect(cfg('modern', { include: ['thermal'] }));
  assert.deepEqual([...new Set(thermal.map((s) => s.signal))].sort(), ['fan_percent', 'temperature_celsius']);
});

test('session auth creates one session, uses it, and close() deletes it', async () => {
  const st0 = sim.stats('modern');
  const c = redfishPlugin.create(cfg('modern', { auth: 'session' }), testContext(SECRETS));
  await c.collect(AbortSignal.timeout(5000));
  await c.collect(AbortSignal.timeout(5000));
  const mid = sim.stats('modern');
  assert.equal(mid.sessionsCreated - st0.sessionsCreated, 1, 'one session for two collects');
  assert.equal(mid.liveSessions, 1);
  await c.close();
  const end = sim.stats('modern');
  assert.equal(end.sessionsDeleted - st0.sessionsDeleted, 1);
  assert.equal(end.liveSessions, 0);
  assert.ok(end.log.at(-1)?.startsWith('DELETE /SessionService/Sessions/'));
});

test('an expired session is replaced by one new login, and the collection succeeds', async () => {
  const c = redfishPlugin.create(cfg('modern', { auth: 'session' }), testContext(SECRETS));
  try {
    await c.collect(AbortSignal.timeout(5000));
    const created = sim.stats('modern').sessionsCreated;
    sim.expireSessions('modern');
    assertServerReadings(await c.collect(AbortSignal.timeout(5000)), true);
    assert.equal(sim.stats('modern').sessionsCreated - created, 1);
  } finally {
    await c.close();
  }
  assert.equal(sim.stats('modern').liveSessions, 0);
});

test('wrong credentials are an auth error, for Basic and Session auth', async () => {
  for (const auth of ['basic', 'session'] as const) {
    const err = await collectError(cfg('modern', { auth, password: 'env:BAD' }));
    assert.equal(err.kind, 'auth', `${auth}: ${err.message}`);
  }
});

test('requests in flight to one BMC stay within max_concurrency', async () => {
  const slow = server('slow', {});
  const s2 = await startRedfishSimulator({ devices: [slow], faults: new Map([['slow', { delayMs: 20 }]]) });
  try {
    await collect(
      { url: s2.url('slow'), username: 'admin', password: 'env:ADMIN', max_concurrency: 2 },
      5000,
      testContext({ 'env:ADMIN': 'admin' }),
    );
    const st = s2.stats('slow');
    assert.ok(st.maxInFlight <= 2, `max in flight ${st.maxInFlight}`);
    assert.equal(st.maxInFlight, 2, 'parallelism should be used');
  } finally {
    await s2.close();
  }
});

test('a hung BMC is abandoned at the deadline as a timeout naming the URL', async () => {
  sim.setFault('faulty', { hang: true });
  try {
    const t0 = performance.now();
    const err = await collectError(cfg('faulty'), 300);
    const took = performance.now() - t0;
    assert.equal(err.kind, 'timeout');
    assert.ok(err.message.includes(sim.url('faulty')), err.message);
    assert.ok(took < 1500, `took ${took} ms`);
  } finally {
    sim.setFault('faulty', null);
  }
});

test('a slow BMC within the deadline is collected', async () => {
  sim.setFault('faulty', { delayMs: 30 });
  try {
    assertServerReadings(await collect(cfg('faulty'), 5000), true);
  } finally {
    sim.setFault('faulty', null);
  }
});

test('the deadline bounds the whole collection, not each request', async () => {
  // ~20 requests of 100 ms each, two at a time, need ~1 s; each alone is far within 600 ms.
  sim.setFault('faulty', { delayMs: 100 });
  try {
    const t0 = performance.now();
    const err = await collectError(cfg('faulty'), 600);
    const took = performance.now() - t0;
    assert.equal(err.kind, 'timeout');
    assert.ok(took < 1000, `took ${took} ms`);
  } finally {
    sim.setFault('faulty', null);
  }
});

const faultCases: Array<{
  name: string;
  fault: Parameters<RedfishSimulator['setFault']>[1];
  kind: string;
  message: RegExp;
}> = [
  { name: 'HTTP 503', fault: { httpStatus: 503 }, kind: 'http_status', message: /HTTP 503/ },
  {
    name: 'an HTML error page with status 200',
    fault: { htmlErrorPage: true },
    kind: 'content_type',
    message: /expected JSON, got Content-Type "text\/html/,
  },
  { name: 'truncated JSON', fault: { malformed: true }, kind: 'parse', message: /invalid JSON/ },
];
for (const c of faultCases) {
  test(`${c.name} fails as ${c.kind}, naming the URL`, async () => {
    sim.setFault('faulty', c.fault);
    try {
      const err = await collectError(cfg('faulty'));
      assert.equal(err.kind, c.kind);
      assert.match(err.message, c.message);
      assert.ok(err.message.includes(`${sim.url('faulty')}/redfish/v1/`), err.message);
    } finally {
      sim.setFault('faulty', null);
    }
  });
}

test('TLS is verified by default; insecure_skip_verify and ca_file each let a self-signed BMC through', async () => {
  const cert = selfSignedCert();
  const tlsSim = await startRedfishSimulator({ devices: [server('tls', {})], tls: { key: cert.key, cert: cert.cert } });
  try {
    const base = { url: tlsSim.url('tls'), username: 'admin', password: 'env:ADMIN' };
    const secrets = { 'env:ADMIN': 'admin' };
    assert.match(base.url, /^https:/);
    await assert.rejects(
      collect(base, 5000, testContext(secrets)),
      (e: unknown) =>
        e instanceof CollectError && e.kind === 'connection' && /TLS certificate verification failed/.test(e.message),
    );
    assert.ok((await collect({ ...base, insecure_skip_verify: true }, 5000, testContext(secrets))).length > 0);
    assert.ok(
      (await collect({ ...base, ca_file: cert.certFile, auth: 'session' }, 5000, testContext(secrets))).length > 0,
    );
  } finally {
    await tlsSim.close();
    cert.cleanup();
  }
});

const configCases: Array<{ name: string; config: unknown; message: RegExp }> = [
  { name: 'a missing url', config: { auth: 'none' }, message: /url is required/ },
  {
    name: 'an unknown auth',
    config: { url: 'https://x', auth: 'kerberos' },
    message: /auth must be one of "basic", "session", "none" \(got "kerberos"\)/,
  },
  {
    name: 'a plain password',
    config: { url: 'https://x', username: 'u', password: 'calvin' },
    message: /password must match pattern .*\(got "calvin"\)/,
  },
  {
    name: 'too much concurrency',
    config: { url: 'https://x', auth: 'none', max_concurrency: 64 },
    message: /max_concurrency must be <= 8 \(got 64\)/,
  },
  {
    name: 'an unknown option',
    config: { url: 'https://x', auth: 'none', timeout: 5 },
    message: /timeout is not an allowed field/,
  },
  { name: 'missing credentials', config: { url: 'https://x' }, message: /auth basic needs username and password/ },
];
for (const c of configCases) {
  test(`create() rejects ${c.name}, naming the field`, () => {
    assert.throws(
      () => redfishPlugin.create(c.config as RedfishConfig, testContext()),
      (e: unknown) => e instanceof CollectError && e.kind === 'config' && c.message.test(e.message),
    );
  });
}
