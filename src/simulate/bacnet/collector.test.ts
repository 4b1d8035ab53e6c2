/** @module The BACnet/IP collector against the BACnet simulator over real UDP on 127.0.0.1. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createBacnetCollector } from '../../../collectors/bacnet/bacnet.ts';
import { testContext } from '../../../collectors/test-support.ts';
import { CollectError, type Sample } from '../../../collectors/types.ts';
import type { ChillerState } from '../device-state.ts';
import { chillerObjects, startBacnetDevice, type BacnetSim } from './simulator.ts';
import { freeUdpPort as freePort } from '../../shared/udp-port.ts';

const chiller: ChillerState = {
  kind: 'chiller',
  running: true,
  powerKw: 312.5,
  energyKwh: 1_234_567,
  supplyCelsius: 7,
  returnCelsius: 12.5,
  flowM3h: 180,
  waterM3: 42.5,
  alarms: 0,
};

function byName(samples: Sample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) out[[s.signal, s.device, s.labels?.location].filter(Boolean).join('/')] = s.value;
  return out;
}

describe('BACnet collector against the simulator (UDP loopback)', () => {
  let sim: BacnetSim;
  let plain: BacnetSim;
  let localPort: number;
  before(async () => {
    sim = startBacnetDevice({ port: await freePort(), deviceInstance: 260001, objects: chillerObjects(chiller) });
    plain = startBacnetDevice({
      port: await freePort(),
      deviceInstance: 260002,
      objects: chillerObjects(chiller),
      readPropertyMultiple: false,
    });
    localPort = await freePort();
  });
  after(() => {
    sim.close();
    plain.close();
  });
  const target = (s: BacnetSim, extra: object = {}) => ({
    host: '127.0.0.1',
    port: s.port,
    local_port: localPort,
    timeout_ms: 1000,
    profile: 'chiller',
    ...extra,
  });

  it('answers an agent reading from the standard port 47808 (the stack alone would take it for its own echo)', async () => {
    const c = createBacnetCollector({ ...target(sim, { device_instance: 260001 }), local_port: 47808 }, testContext());
    try {
      const samples = await c.collect(AbortSignal.timeout(3000));
      assert.equal(byName(samples)['power_watts'], 312_500);
    } finally {
      await c.close();
    }
  });

  it("reads the chiller profile and converts kW, °F and litres from each object's units property", async () => {
    const c = createBacnetCollector(target(sim, { device_instance: 260001 }), testContext());
    try {
      const samples = await c.collect(AbortSignal.timeout(3000));
      assert.deepEqual(byName(samples), {
        'status/unit': 1,
        'status/alarms': 0,
        power_watts: 312_500,
        energy_kwh: 1_234_567,
        'temperature_celsius/chilled_water_supply': 7,
        'temperature_celsius/chilled_water_return': 12.5,
        water_m3: 42.5,
      });
      assert.equal(samples.find((s) => s.device === 'unit')?.labels?.state, 'running');
      assert.deepEqual(c.report?.(), { produced: [{ profile: 'chiller', samples: 7 }], missing: [] });
      // Units are read once: the second read asks for present values only, and gives the same samples.
      const again = await c.collect(AbortSignal.timeout(3000));
      assert.deepEqual(byName(again), byName(samples));
    } finally {
      await c.close();
    }
  });

  it('names an absent object as a missing reading and keeps the rest (a partial read)', async () => {
    const points = [{ name: 'condenser_supply', object: 'analog-input:77', signal: 'temperature_celsius' }];
    const c = createBacnetCollector(target(sim, { points }), testContext());
    try {
      const samples = await c.collect(AbortSignal.timeout(3000));
      assert.equal(samples.length, 7);
      assert.deepEqual(c.report?.().missing, [
        { reading: 'condenser_supply', detail: `127.0.0.1:${sim.port} analog-input:77: unknown-object (object/31)` },
      ]);
    } finally {
      await c.close();
    }
  });

  it('refuses a units property that cannot be the signal (°F read as power)', async () => {
    const points = [{ name: 'wrong', object: 'analog-input:2', signal: 'power_watts' }];
    const c = createBacnetCollector(target(sim, { points }), testContext());
    try {
      await c.collect(AbortSignal.timeout(3000));
      assert.match(c.report?.().missing[0]?.detail ?? '', /units degF cannot be read as power_watts/);
    } finally {
      await c.close();
    }
  });

  it('falls back to ReadProperty when the device refuses ReadPropertyMultiple', async () => {
    const ctx = testContext();
    const c = createBacnetCollector(target(plain), ctx);
    try {
      const samples = await c.collect(AbortSignal.timeout(5000));
      assert.equal(byName(samples).power_watts, 312_500);
      assert.equal(samples.length, 7);
      assert.ok(plain.requests.readProperty >= 7);
      assert.ok(ctx.lines.some((l) => l.includes('refused ReadPropertyMultiple')));
    } finally {
      await c.close();
    }
  });

  it('fails with a protocol error when another device answers at the address', async () => {
    const c = createBacnetCollector(target(sim, { device_instance: 999 }), testContext());
    try {
      const e = await c.collect(AbortSignal.timeout(3000)).catch((err: unknown) => err);
      assert.ok(e instanceof CollectError);
      assert.equal(e.kind, 'protocol');
      assert.match(e.message, /is not BACnet device 999: .*unknown-object/);
    } finally {
      await c.close();
    }
  });

  it('times out on an address where nothing answers', async () => {
    const c = createBacnetCollector({ ...target(sim), port: await freePort(), timeout_ms: 200 }, testContext());
    try {
      const e = await c.collect(AbortSignal.timeout(3000)).catch((err: unknown) => err);
      assert.ok(e instanceof CollectError);
      assert.equal(e.kind, 'timeout');
    } finally {
      await c.close();
    }
  });

  it('rejects a malformed object identifier as a config error', () => {
    assert.throws(
      () => createBacnetCollector({ host: 'x', points: [{ name: 'a', object: 'analog:1' }] }, testContext()),
      (e: unknown) => e instanceof CollectError && e.kind === 'config',
    );
  });
});

describe('BACnet readings in center records', () => {
  it('a BACnet chiller with roles facility and water feeds the record like any other target', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runAgentInProcess } = await import('../../agent/runtime/agent.ts');
    const state: ChillerState = { ...chiller };
    const device = startBacnetDevice({ port: await freePort(), deviceInstance: 1, objects: chillerObjects(state) });
    const dir = mkdtempSync(join(tmpdir(), 'dims-bacnet-'));
    const agent = await runAgentInProcess(
      {
        center: 'gz-bacnet',
        interval: '1s',
        scrape_interval: '200ms',
        outbox: { path: join(dir, 'o.sqlite') },
        sinks: [{ type: 'jsonl', path: join(dir, 'r.jsonl') }],
        targets: [
          {
            id: 'chiller-1',
            protocol: 'bacnet',
            roles: ['facility', 'water'],
            config: { host: '127.0.0.1', port: device.port, local_port: await freePort(), profile: 'chiller' },
          },
        ],
      },
      { log: () => undefined },
    );
    const records: Array<Record<string, number | boolean>> = [];
    agent.onRecord((r) => records.push(r.metrics));
    try {
      const timer = setInterval(() => {
        state.energyKwh += 1;
        state.waterM3 += 0.5;
      }, 100);
      await new Promise((resolve) => setTimeout(resolve, 3500));
      clearInterval(timer);
      // 1 kWh and 0.5 m³ (500 L on the wire) every 100 ms: about 10 kWh and 5 m³ per 1 s record.
      const full = records.filter((m) => typeof m.e_total_kwh === 'number');
      assert.ok(full.length > 0, JSON.stringify(records));
      assert.ok(
        full.every((m) => (m.e_total_kwh as number) > 5 && (m.water_m3 as number) > 2),
        JSON.stringify(full),
      );
      assert.ok(
        full.every((m) => m.p_total_kw_max === 312.5),
        JSON.stringify(full),
      );
    } finally {
      await agent.stop();
      device.close();
    }
  });
});
