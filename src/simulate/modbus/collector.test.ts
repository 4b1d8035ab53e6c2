/** @module The Modbus collector against the Modbus simulator over TCP on 127.0.0.1: values, faults, deadlines, reconnects. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CollectError, type CollectorContext } from '../../../collectors/types.ts';
import { createModbusCollector } from '../../../collectors/modbus/modbus.ts';
import { startModbusSimulator, type ModbusSimulator } from './simulator.ts';
import { fixedChiller, fixedCrah, fixedMeter } from './test-devices.ts';

const ctx: CollectorContext = { secret: () => '', log: () => undefined };

async function failure(p: Promise<unknown>): Promise<CollectError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(e instanceof CollectError, `expected a CollectError, got ${String(e)}`);
  return e;
}

describe('Modbus collector against the simulator', () => {
  let sim: ModbusSimulator;
  before(async () => {
    sim = await startModbusSimulator({
      devices: [fixedMeter('meter-1'), fixedChiller('chiller-1'), fixedCrah('crah-1'), fixedMeter('meter-faulty')],
      host: '127.0.0.1',
      port: 0,
      clock: () => 3_600_000,
    });
  });
  after(() => sim.close());

  const target = (id: string, extra: object) => ({
    host: '127.0.0.1',
    port: sim.port,
    unit_id: sim.unitId(id),
    timeout_ms: 500,
    ...extra,
  });

  it('reads the SDM630 profile: phase and total power, import and export energy', async () => {
    const c = createModbusCollector(target('meter-1', { profile: 'sdm630' }), ctx);
    try {
      assert.deepEqual(await c.collect(AbortSignal.timeout(2000)), [
        { signal: 'power_watts', value: 2000, device: 'L1' },
        { signal: 'power_watts', value: 2000, device: 'L2' },
        { signal: 'power_watts', value: 2000, device: 'L3' },
        { signal: 'power_watts', value: 6000 },
        { signal: 'energy_kwh', value: 12351.5, labels: { direction: 'import' } },
        { signal: 'energy_kwh', value: 0.25, labels: { direction: 'export' } },
      ]);
    } finally {
      await c.close();
    }
  });

  it('reads the chiller profile (UINT32 word-swapped kWh, INT16 ×0.1 temperatures, make-up water)', async () => {
    const c = createModbusCollector(target('chiller-1', { profile: 'chiller' }), ctx);
    const samples = await c.collect(AbortSignal.timeout(2000));
    await c.close();
    assert.deepEqual(samples, [
      { signal: 'status', value: 1, device: 'unit', labels: { state: 'running' } },
      { signal: 'status', value: 4, device: 'alarms', labels: { state: 'alarm' } },
      { signal: 'power_watts', value: 182500 },
      { signal: 'energy_kwh', value: 1234567 },
      { signal: 'temperature_celsius', value: 7.2, labels: { location: 'chilled_water_supply' } },
      { signal: 'temperature_celsius', value: 12.4, labels: { location: 'chilled_water_return' } },
      { signal: 'water_m3', value: 4321.7 },
    ]);
  });

  it('reads the CRAH profile, including a negative supply-air temperature and a CDAB float', async () => {
    const c = createModbusCollector(target('crah-1', { profile: 'crah' }), ctx);
    const samples = await c.collect(AbortSignal.timeout(2000));
    await c.close();
    assert.deepEqual(
      samples.map((s) => [s.signal, s.labels?.location ?? s.device ?? '', s.value]),
      [
        ['status', 'unit', 1],
        ['status', 'alarms', 0],
        ['temperature_celsius', 'supply', -2.5],
        ['temperature_celsius', 'return', 31.6],
        ['humidity_percent', 'return', 45.5],
        ['fan_percent', '', 62.5],
        ['power_watts', '', 4750],
        ['energy_kwh', '', 98765.4],
      ],
    );
  });

  it('splits reads at max_registers_per_request and still decodes values that straddle nothing', async () => {
    const before = sim.requests('meter-1');
    const c = createModbusCollector(target('meter-1', { profile: 'sdm630', max_registers_per_request: 4 }), ctx);
    const samples = await c.collect(AbortSignal.timeout(2000));
    await c.close();
    assert.equal(samples.find((s) => s.signal === 'power_watts' && !s.device)?.value, 6000);
    // 0x00–0x11 (18 words) in reads of ≤4 → 5, plus 0x34 and 0x46–0x4B (6 → 2): 8 requests.
    assert.equal(sim.requests('meter-1') - before, 8);
  });

  it('keeps one connection across collections and reconnects after the server drops the socket', async () => {
    const c = createModbusCollector(target('meter-1', { profile: 'sdm630' }), ctx);
    try {
      await c.collect(AbortSignal.timeout(2000));
      await c.collect(AbortSignal.timeout(2000));
      assert.equal(c.connection.connects, 1);
      sim.dropConnections();
      await new Promise((r) => setTimeout(r, 50));
      const samples = await c.collect(AbortSignal.timeout(2000));
      assert.equal(samples.length, 6);
      assert.equal(c.connection.connects, 2);
    } finally {
      await c.close();
    }
  });

  it('names the register and exception code of an exception response', async () => {
    sim.setFault('meter-faulty', { modbusException: 4 });
    const c = createModbusCollector(target('meter-faulty', { profile: 'sdm630' }), ctx);
    try {
      const e = await failure(c.collect(AbortSignal.timeout(2000)));
      assert.equal(e.kind, 'protocol');
      assert.match(e.message, /unit 4: input registers 0x0000\+18: exception 4 \(server device failure\)/);
    } finally {
      sim.setFault('meter-faulty', null);
      await c.close();
    }
  });

  it('reports exception 2 for a register outside the device map', async () => {
    const c = createModbusCollector(
      target('chiller-1', {
        fields: [{ name: 'beyond', register: 'holding', address: 500, type: 'UINT16', signal: 'status' }],
      }),
      ctx,
    );
    const e = await failure(c.collect(AbortSignal.timeout(2000)));
    await c.close();
    assert.equal(e.kind, 'protocol');
    assert.match(e.message, /holding registers 0x01F4\+1: exception 2 \(illegal data address\)/);
  });

  it('retries "server device busy" within the deadline and succeeds when the device recovers', async () => {
    sim.setFault('meter-faulty', { modbusException: 6 }, { forRequests: 2 });
    const c = createModbusCollector(
      target('meter-faulty', { profile: 'sdm630', busy_retries: 3, busy_retry_wait_ms: 20 }),
      ctx,
    );
    try {
      const samples = await c.collect(AbortSignal.timeout(2000));
      assert.equal(samples.length, 6);
    } finally {
      sim.setFault('meter-faulty', null);
      await c.close();
    }
  });

  it('gives up on a device that stays busy, saying how often it retried', async () => {
    sim.setFault('meter-faulty', { modbusException: 6 });
    const c = createModbusCollector(
      target('meter-faulty', { profile: 'sdm630', busy_retries: 2, busy_retry_wait_ms: 10 }),
      ctx,
    );
    try {
      const e = await failure(c.collect(AbortSignal.timeout(2000)));
      assert.equal(e.kind, 'protocol');
      assert.match(e.message, /exception 6 \(server device busy\) after 2 busy retries/);
    } finally {
      sim.setFault('meter-faulty', null);
      await c.close();
    }
  });

  it('returns at the deadline when the device is silent, however long the per-request timeout', async () => {
    sim.setFault('meter-faulty', { silent: true });
    const c = createModbusCollector(target('meter-faulty', { profile: 'sdm630', timeout_ms: 5000 }), ctx);
    try {
      const t0 = performance.now();
      const e = await failure(c.collect(AbortSignal.timeout(250)));
      const elapsed = performance.now() - t0;
      assert.equal(e.kind, 'timeout');
      assert.match(
        e.message,
        /127\.0\.0\.1:\d+ unit 4: input registers 0x0000\+18: no answer within the target's deadline/,
      );
      assert.ok(elapsed < 750, `returned after ${elapsed.toFixed(0)} ms`);
      // The next collection works on a fresh connection once the device answers again.
      sim.setFault('meter-faulty', null);
      assert.equal((await c.collect(AbortSignal.timeout(2000))).length, 6);
    } finally {
      sim.setFault('meter-faulty', null);
      await c.close();
    }
  });

  it('times out per request before the deadline, and answers late replies within the deadline', async () => {
    sim.setFault('meter-faulty', { delayMs: 100 });
    const slow = createModbusCollector(target('meter-faulty', { profile: 'sdm630', timeout_ms: 50 }), ctx);
    const patient = createModbusCollector(target('meter-faulty', { profile: 'sdm630', timeout_ms: 1000 }), ctx);
    try {
      assert.equal((await failure(slow.collect(AbortSignal.timeout(3000)))).kind, 'timeout');
      assert.equal((await patient.collect(AbortSignal.timeout(3000))).length, 6);
    } finally {
      sim.setFault('meter-faulty', null);
      await slow.close();
      await patient.close();
    }
  });

  it('fails with kind connection when nothing listens', async () => {
    const c = createModbusCollector({ host: '127.0.0.1', port: 1, profile: 'sdm630', timeout_ms: 500 }, ctx);
    const e = await failure(c.collect(AbortSignal.timeout(2000)));
    await c.close();
    assert.equal(e.kind, 'connection');
    assert.match(e.message, /ECONNREFUSED/);
  });
});
