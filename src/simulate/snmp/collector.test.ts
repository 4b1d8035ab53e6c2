/** @module The SNMP collector against the SNMP simulator over UDP on 127.0.0.1: values, v3, faults, deadlines. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { CollectError, type Sample } from '../../../collectors/types.ts';
import { startSnmpSimulator, type SnmpSimulator } from './simulator.ts';
import { createSnmpCollector } from '../../../collectors/snmp/snmp.ts';
import { testContext } from '../../../collectors/test-support.ts';
import { fixedPdu, fixedUps } from './test-devices.ts';

const run = promisify(execFile);
const CLOCK_MS = 3_600_000; // one hour after the epoch: UPS energy = 1235.5 kWh

function find(samples: Sample[], signal: string, device?: string): Sample[] {
  return samples.filter((s) => s.signal === signal && (device === undefined || s.device === device));
}

describe('SNMP collector against the simulator', () => {
  let sim: SnmpSimulator;
  before(async () => {
    sim = await startSnmpSimulator({
      devices: [fixedUps('ups-1'), fixedPdu('pdu-1'), fixedUps('ups-silent')],
      users: [
        {
          name: 'ops-sha-aes',
          device: 'ups-1',
          level: 'authPriv',
          authProtocol: 'sha',
          authKey: 'auth-secret-1',
          privProtocol: 'aes',
          privKey: 'priv-secret-1',
        },
        { name: 'ops-md5', device: 'pdu-1', level: 'authNoPriv', authProtocol: 'md5', authKey: 'auth-secret-2' },
        {
          name: 'ops-md5-des',
          device: 'pdu-1',
          level: 'authPriv',
          authProtocol: 'md5',
          authKey: 'auth-secret-3',
          privProtocol: 'des',
          privKey: 'priv-secret-3',
        },
      ],
      host: '127.0.0.1',
      port: 0,
      clock: () => CLOCK_MS,
    });
  });
  after(() => sim.close());

  const v2c = (community: string, profiles: string[], extra: object = {}) => ({
    host: '127.0.0.1',
    port: sim.port,
    version: '2c',
    community,
    profiles,
    timeout_ms: 300,
    retries: 0,
    ...extra,
  });

  it('profiles auto: the PDU is read as APC rPDU2 by its sysObjectID, the UPS by UPS-MIB alone, and v1 reads the same', async () => {
    for (const version of ['2c', '1']) {
      const pdu = createSnmpCollector(
        { ...v2c(sim.community('pdu-1'), []), profiles: undefined, version },
        testContext(),
      );
      const ups = createSnmpCollector({ ...v2c(sim.community('ups-1'), []), profiles: 'auto', version }, testContext());
      try {
        const p = await pdu.collect(AbortSignal.timeout(3000));
        assert.ok(find(p, 'power_watts', 'outlet_1').length === 1, `${version}: ${JSON.stringify(p)}`);
        assert.deepEqual(pdu.report?.().produced, [{ profile: 'apc-rpdu2', samples: p.length }]);
        assert.match(pdu.report?.().detected ?? '', /sysObjectID 1\.3\.6\.1\.4\.1\.318\.1\.3\.4\.5 matches apc-rpdu2/);
        const u = await ups.collect(AbortSignal.timeout(3000));
        // ENTITY-SENSOR-MIB answers too, but one standard MIB is read, so no line is counted twice.
        assert.deepEqual(
          ups.report?.().produced.map((x) => x.profile),
          ['ups-mib'],
        );
        assert.equal(find(u, 'power_watts', 'output_line_1')[0]?.value, 2100);
      } finally {
        await pdu.close();
        await ups.close();
      }
    }
  });

  it('reads UPS-MIB output lines as power per line, input power and status codes', async () => {
    const c = createSnmpCollector(v2c(sim.community('ups-1'), ['ups-mib']), testContext());
    try {
      const samples = await c.collect(AbortSignal.timeout(3000));
      assert.deepEqual(find(samples, 'power_watts', 'output_line_1'), [
        { signal: 'power_watts', value: 2100, device: 'output_line_1', labels: { direction: 'output' } },
      ]);
      assert.equal(find(samples, 'power_watts', 'output_line_2')[0]?.value, 900);
      assert.equal(find(samples, 'power_watts', 'input_line_1')[0]?.value, 3150);
      assert.deepEqual(find(samples, 'status', 'battery'), [
        { signal: 'status', value: 2, device: 'battery', labels: { state: 'normal' } },
      ]);
      assert.deepEqual(find(samples, 'status', 'output_source')[0]?.labels, { state: 'normal' });
      assert.equal(samples.length, 5);
    } finally {
      await c.close();
    }
  });

  it('applies ENTITY-SENSOR scale and precision and names rows from entPhysicalName', async () => {
    const c = createSnmpCollector(v2c('ups-1', ['entity-sensor']), testContext());
    const samples = await c.collect(AbortSignal.timeout(3000));
    await c.close();
    assert.deepEqual(
      samples.map((s) => [s.signal, s.device, s.value]),
      [
        ['power_watts', 'UPS Output Power', 3000],
        ['energy_kwh', 'UPS Output Energy', 1235.5],
        // raw 300 at scale kilo(10), precision 2: 300 × 10^3 / 10^2 = 3000 W
        ['power_watts', 'UPS Output Power kW', 3000],
      ],
    );
  });

  it('reads APC rPDU2 device power (hundredths of kW → W), energy (tenths of kWh), outlets and the probe', async () => {
    const c = createSnmpCollector(v2c('pdu-1', ['apc-rpdu2'], { max_repetitions: 2 }), testContext());
    const samples = await c.collect(AbortSignal.timeout(3000));
    await c.close();
    const whole = samples.filter((s) => s.device === undefined);
    assert.deepEqual(whole, [
      { signal: 'power_watts', value: 4230, labels: { pdu: '1' } },
      { signal: 'energy_kwh', value: 8765.4, labels: { pdu: '1' } },
    ]);
    assert.deepEqual(
      find(samples, 'power_watts')
        .filter((s) => s.device?.startsWith('outlet_'))
        .map((s) => s.value),
      [2100, 2130, 0],
    );
    assert.deepEqual(
      find(samples, 'energy_kwh')
        .filter((s) => s.device?.startsWith('outlet_'))
        .map((s) => s.value),
      [4000.1, 4765.3, 0],
    );
    assert.deepEqual(find(samples, 'status', 'outlet_3')[0]?.labels, { state: 'off' });
    assert.deepEqual(find(samples, 'status', 'load_state')[0]?.labels, { pdu: '1', state: 'normal' });
    assert.deepEqual(find(samples, 'temperature_celsius'), [
      { signal: 'temperature_celsius', value: 24.3, device: 'probe_1', labels: { location: 'inlet' } },
    ]);
    assert.equal(find(samples, 'humidity_percent').length, 0, 'a temperature-only probe has no humidity');
  });

  it('speaks SNMPv3 authPriv with SHA + AES', async () => {
    const ctx = testContext({ 'env:AUTH': 'auth-secret-1', 'env:PRIV': 'priv-secret-1' });
    const c = createSnmpCollector(
      {
        host: '127.0.0.1',
        port: sim.port,
        version: '3',
        profiles: ['ups-mib'],
        timeout_ms: 500,
        retries: 0,
        v3: {
          user: 'ops-sha-aes',
          level: 'authPriv',
          auth_protocol: 'sha',
          auth_key: 'env:AUTH',
          priv_protocol: 'aes',
          priv_key: 'env:PRIV',
        },
      },
      ctx,
    );
    const first = await c.collect(AbortSignal.timeout(3000));
    const second = await c.collect(AbortSignal.timeout(3000));
    await c.close();
    assert.equal(find(first, 'power_watts', 'output_line_1')[0]?.value, 2100);
    assert.equal(second.length, first.length, 'the session (and its engine discovery) is reused');
  });

  it('speaks SNMPv3 authNoPriv with MD5', async () => {
    const ctx = testContext({ 'env:A2': 'auth-secret-2' });
    const md5 = createSnmpCollector(
      {
        host: '127.0.0.1',
        port: sim.port,
        version: '3',
        profiles: ['apc-rpdu2'],
        timeout_ms: 500,
        retries: 0,
        v3: { user: 'ops-md5', level: 'authNoPriv', auth_protocol: 'md5', auth_key: 'env:A2' },
      },
      ctx,
    );
    try {
      assert.equal(find(await md5.collect(AbortSignal.timeout(3000)), 'power_watts')[0]?.value, 4230);
    } finally {
      await md5.close();
    }
  });

  it('explains that DES needs the OpenSSL legacy provider when Node.js runs without it', async (t) => {
    if (process.execArgv.includes('--openssl-legacy-provider'))
      return t.diagnostic('legacy provider active: covered by the next test');
    const ctx = testContext({ 'env:A3': 'auth-secret-3', 'env:P3': 'priv-secret-3' });
    const des = createSnmpCollector(
      {
        host: '127.0.0.1',
        port: sim.port,
        version: '3',
        profiles: ['apc-rpdu2'],
        timeout_ms: 500,
        retries: 0,
        v3: {
          user: 'ops-md5-des',
          level: 'authPriv',
          auth_protocol: 'md5',
          auth_key: 'env:A3',
          priv_protocol: 'des',
          priv_key: 'env:P3',
        },
      },
      ctx,
    );
    const err = await des.collect(AbortSignal.timeout(2000)).then(
      () => undefined,
      (e: unknown) => e,
    );
    await des.close();
    assert.ok(err instanceof CollectError, String(err));
    assert.equal(err.kind, 'config');
    assert.match(err.message, /prefer AES/);
  });

  it('speaks SNMPv3 authPriv with MD5 + DES under --openssl-legacy-provider', async () => {
    const script = fileURLToPath(new URL('./des-roundtrip.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--openssl-legacy-provider', script], { timeout: 15_000 });
    assert.deepEqual(JSON.parse(stdout.trim()), { signal: 'power_watts', value: 4230, labels: { pdu: '1' } });
  });

  it('fails with kind auth when the v3 key is wrong', async () => {
    const ctx = testContext({ 'env:AUTH': 'not-the-key', 'env:PRIV': 'priv-secret-1' });
    const c = createSnmpCollector(
      {
        host: '127.0.0.1',
        port: sim.port,
        version: '3',
        profiles: ['ups-mib'],
        timeout_ms: 400,
        retries: 0,
        v3: {
          user: 'ops-sha-aes',
          level: 'authPriv',
          auth_protocol: 'sha',
          auth_key: 'env:AUTH',
          priv_protocol: 'aes',
          priv_key: 'env:PRIV',
        },
      },
      ctx,
    );
    const err = await c.collect(AbortSignal.timeout(2000)).then(
      () => undefined,
      (e: unknown) => e,
    );
    await c.close();
    assert.ok(err instanceof CollectError, String(err));
    // A wrong key yields a USM report (auth) on agents that send one; agents that stay silent time out.
    assert.ok(['auth', 'timeout'].includes(err.kind), `${err.kind}: ${err.message}`);
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${sim.port}`));
  });

  it('gives up on a silent agent at the deadline, not after timeout × retries × requests', async () => {
    sim.setFault('ups-silent', { silent: true });
    // Per request 2 s with 3 retries would be 8 s per request; the target deadline is 300 ms.
    const c = createSnmpCollector(
      v2c('ups-silent', ['ups-mib', 'entity-sensor'], { timeout_ms: 2000, retries: 3 }),
      testContext(),
    );
    const t0 = performance.now();
    const err = await c.collect(AbortSignal.timeout(300)).then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = performance.now() - t0;
    await c.close();
    assert.ok(err instanceof CollectError);
    assert.equal(err.kind, 'timeout');
    assert.match(err.message, /deadline/);
    assert.ok(elapsed < 800, `returned after ${elapsed.toFixed(0)} ms`);
    assert.ok(sim.requests('ups-silent') > 0, 'the requests did reach the agent');
  });

  it('reports a per-request timeout as kind timeout when it comes before the deadline', async () => {
    sim.setFault('ups-silent', { silent: true });
    const c = createSnmpCollector(v2c('ups-silent', ['ups-mib'], { timeout_ms: 100, retries: 1 }), testContext());
    const err = await c.collect(AbortSignal.timeout(5000)).then(
      () => undefined,
      (e: unknown) => e,
    );
    await c.close();
    assert.ok(err instanceof CollectError);
    assert.equal(err.kind, 'timeout');
  });

  it('waits for a slow agent within the deadline and times out when it is slower than the deadline', async () => {
    sim.setFault('ups-1', { delayMs: 150 });
    const c = createSnmpCollector(v2c('ups-1', ['ups-mib'], { timeout_ms: 1000 }), testContext());
    try {
      assert.equal(find(await c.collect(AbortSignal.timeout(2000)), 'power_watts', 'output_line_1')[0]?.value, 2100);
      const err = await c.collect(AbortSignal.timeout(80)).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof CollectError && err.kind === 'timeout', String(err));
    } finally {
      sim.setFault('ups-1', null);
      await c.close();
    }
  });

  it('turns noSuchObject for every OID into a protocol error naming the OIDs, without crashing', async () => {
    sim.setFault('pdu-1', { noSuchObject: true });
    const c = createSnmpCollector(v2c('pdu-1', ['ups-mib', 'apc-rpdu2']), testContext());
    try {
      const err = await c.collect(AbortSignal.timeout(2000)).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof CollectError, String(err));
      assert.equal(err.kind, 'protocol');
      assert.match(err.message, /upsBatteryStatus \(1\.3\.6\.1\.2\.1\.33\.1\.2\.1\.0\) answered noSuchObject/);
    } finally {
      sim.setFault('pdu-1', null);
      await c.close();
    }
  });

  it('omits absent objects and logs them when other objects answer', async () => {
    const ctx = testContext();
    const c = createSnmpCollector(v2c('pdu-1', ['apc-rpdu2', 'ups-mib']), ctx);
    const samples = await c.collect(AbortSignal.timeout(2000));
    await c.close();
    assert.equal(find(samples, 'power_watts')[0]?.value, 4230);
    assert.equal(find(samples, 'status', 'battery').length, 0);
    const warn = ctx.logs.find((l) => l.level === 'warn');
    assert.ok(warn, 'a warning is logged');
    assert.match(JSON.stringify(warn.fields), /upsOutputSource \(1\.3\.6\.1\.2\.1\.33\.1\.4\.1\.0\)/);
  });

  it('rejects an invalid config in create(), naming the field and the value', () => {
    assert.throws(
      () => createSnmpCollector({ host: '127.0.0.1', version: '4', profiles: ['ups-mib'] }, testContext()),
      (e: unknown) =>
        e instanceof CollectError && e.kind === 'config' && /version must be one of .*\(got "4"\)/.test(e.message),
    );
    assert.throws(
      () =>
        createSnmpCollector(
          {
            host: '127.0.0.1',
            version: '3',
            profiles: ['ups-mib'],
            v3: { user: 'u', level: 'authPriv', auth_protocol: 'sha', auth_key: 'plaintext' },
          },
          testContext(),
        ),
      (e: unknown) =>
        e instanceof CollectError &&
        /v3\.auth_key must match pattern .*\(got "plaintext"\)/.test(e.message) &&
        /v3\.priv_protocol is required/.test(e.message),
    );
    assert.throws(
      () => createSnmpCollector({ host: '127.0.0.1', version: '2c', profiles: ['raritan'] }, testContext()),
      (e: unknown) => e instanceof CollectError && /profiles\.0 must be one of .*\(got "raritan"\)/.test(e.message),
    );
  });
});
