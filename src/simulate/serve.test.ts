/**
 * @module Serving a small fleet: every protocol answers with the devices' values through the project's own collector
 * plugins, faults apply, agent configs validate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CollectorContext, Sample } from '../../collectors/types.ts';
import { redfishPlugin } from '../../collectors/redfish/index.ts';
import { snmpPlugin } from '../../collectors/snmp/index.ts';
import { modbusPlugin } from '../../collectors/modbus/index.ts';
import { prometheusPlugin } from '../../collectors/prometheus/index.ts';
import { bacnetPlugin } from '../../collectors/bacnet/index.ts';
import { freeUdpPort } from '../shared/udp-port.ts';
import { SimClock } from './clock.ts';
import { generateFleet, localMidnightMs } from './fleet.ts';
import { serveFleet } from './serve.ts';
import type {
  ChillerState,
  CrahState,
  MeterState,
  PduState,
  RouterState,
  ServerState,
  SmokepingState,
  UpsState,
} from './device-state.ts';
import { compileSchema } from '../shared/json-schema.ts';
import agentSchema from '../agent/config/config.schema.json' with { type: 'json' };

const ctx: CollectorContext = {
  secret: (ref) => (ref === 'env:DIMS_SIM_BMC_PASSWORD' ? 'dims-sim' : ''),
  log: () => undefined,
};

async function collect(
  plugin: {
    create(c: never, ctx: CollectorContext): { collect(s: AbortSignal): Promise<Sample[]>; close(): Promise<void> };
  },
  config: unknown,
): Promise<Sample[]> {
  const c = plugin.create(config as never, ctx);
  try {
    return await c.collect(AbortSignal.timeout(5000));
  } finally {
    await c.close();
  }
}

function targetsOf(
  cfg: Record<string, unknown>,
): Array<{ id: string; protocol: string; config: Record<string, unknown> }> {
  return cfg.targets as Array<{ id: string; protocol: string; config: Record<string, unknown> }>;
}

test('a served fleet answers on every protocol with the simulated values', async () => {
  const fleet = generateFleet({ centers: 3, seed: 17, origin: '2026-03-01' });
  // Frozen simulated time: the values read through the wire can be compared with the devices' own.
  const start = localMidnightMs('2026-03-10') + 9 * 3_600_000;
  const clock = new SimClock({ startMs: start, factor: 1, wall: () => 0 });
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-sim-'));
  const sim = await serveFleet({ fleet, clock });
  try {
    const validate = compileSchema(agentSchema);
    for (const plan of fleet.plans) {
      const cfg = sim.agentConfig(plan.center);
      assert.deepEqual(validate.problems(cfg), [], plan.center);
      const targets = targetsOf(cfg);
      const devices = sim.centers.get(plan.center)!.byId;

      // Modbus: the facility meter's import energy through the SDM630 profile.
      const meterTarget = targets.find((t) => t.id.endsWith('-meter-facility'))!;
      const meterSamples = await collect(modbusPlugin, meterTarget.config);
      const energy = meterSamples.find((s) => s.signal === 'energy_kwh')!;
      const truth = (devices.get(meterTarget.id)!.read(start) as MeterState).importKwh;
      assert.ok(Math.abs(energy.value - truth) < 0.01, `meter ${energy.value} vs ${truth}`);

      // SNMP: a UPS's output power.
      const upsTarget = targets.find((t) => t.protocol === 'snmp' && t.id.includes('-ups-'))!;
      const upsSamples = await collect(snmpPlugin, upsTarget.config);
      const upsState = devices.get(upsTarget.id)!.read(start) as UpsState;
      const outW = upsState.outputLines.reduce((a, l) => a + l.powerWatts, 0);
      const outSamples = upsSamples.filter((s) => s.signal === 'power_watts' && /output/i.test(s.device ?? ''));
      assert.ok(outSamples.length > 0, JSON.stringify(upsSamples.slice(0, 5)));
      assert.ok(Math.abs(outSamples.reduce((a, s) => a + s.value, 0) - outW) < 5, 'UPS output power');

      // SNMP and Redfish PDUs: energy counters.
      for (const t of targets.filter((x) => x.id.includes('-pdu-'))) {
        const samples = await collect(t.protocol === 'snmp' ? snmpPlugin : redfishPlugin, t.config);
        const e = samples.filter((s) => s.signal === 'energy_kwh' && (s.device ?? '') === '');
        const want = (devices.get(t.id)!.read(start) as PduState).energyKwh;
        assert.ok(
          e.length === 1 && Math.abs(e[0]!.value - want) < 0.1,
          `${t.id} (${t.protocol}) energy ${JSON.stringify(e)} vs ${want}`,
        );
      }

      // Redfish BMCs (modern and legacy): inventory of CPUs.
      for (const t of targets.filter((x) => x.id.includes('-bmc-')).slice(0, 3)) {
        const samples = await collect(redfishPlugin, t.config);
        const cpus = samples
          .filter((s) => s.signal === 'inventory' && s.labels?.kind === 'cpu')
          .reduce((a, s) => a + s.value, 0);
        assert.equal(cpus, 2, `${t.id} CPUs`);
        assert.ok(
          samples.some((s) => s.signal === 'power_watts'),
          `${t.id} power`,
        );
      }

      // Prometheus exporters: CPU seconds or accelerator utilization; the prober's probes per host.
      for (const t of targets.filter((x) => x.protocol === 'prometheus' && !x.id.includes('-smokeping-'))) {
        const samples = await collect(prometheusPlugin, t.config);
        assert.ok(
          samples.some((s) => s.signal === 'cpu_seconds' || s.signal === 'accel_utilization'),
          `${t.id} ${samples.length} samples`,
        );
      }
      const probeTarget = targets.find((x) => x.id === plan.prober.id)!;
      const probes = (await collect(prometheusPlugin, probeTarget.config)).filter(
        (s) => s.signal === 'rtt_probes' && s.labels?.le === '+Inf',
      );
      const probeState = devices.get(plan.prober.id)!.read(start) as SmokepingState;
      assert.deepEqual(
        probes.map((s) => [s.device, s.value]),
        probeState.targets.map((x) => [x.host, x.count]),
        'probes per host',
      );

      // SNMP IF-MIB: the router's uplink octets, exactly (64-bit counters past 2^32).
      const routerSamples = await collect(snmpPlugin, targets.find((x) => x.id === plan.router.id)!.config);
      const routerState = devices.get(plan.router.id)!.read(start) as RouterState;
      for (const itf of routerState.interfaces) {
        const got = routerSamples.find(
          (s) => s.signal === 'octets' && s.device === itf.name && s.labels?.direction === 'in',
        );
        assert.equal(got?.value, Number(itf.inOctets), `${itf.name} ifHCInOctets`);
      }
    }

    // A fault set through the simulation reaches the right server.
    const plan = fleet.plans[0]!;
    const meter = targetsOf(sim.agentConfig(plan.center)).find((t) => t.id.endsWith('-meter-it'))!;
    sim.setFault(meter.id, { modbusException: 4 });
    await assert.rejects(collect(modbusPlugin, { ...meter.config, busy_retries: 0 }));
    sim.setFault(meter.id, null);
    assert.ok((await collect(modbusPlugin, meter.config)).length > 0);
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('counter events from the fault config rewrite device counters but not the physics', async () => {
  const fleet = generateFleet({ centers: 1, seed: 5, origin: '2026-03-01' });
  const start = localMidnightMs('2026-03-10');
  let wall = 0;
  const clock = new SimClock({ startMs: start, factor: 1, wall: () => wall });
  const id = `${fleet.plans[0]!.center}-meter-facility`;
  const truthFile = path.join(mkdtempSync(path.join(tmpdir(), 'dims-gt-')), 'truth.jsonl');
  const sim = await serveFleet({
    fleet,
    clock,
    faults: {
      counters: [{ match: id, at: '+1h', kind: 'replace', startValue: 7 }],
      faults: [{ match: '*-ups-01', fault: { silent: true }, from: '+30m', until: '+2h' }],
    },
    groundTruth: { file: truthFile, intervalMs: 3_600_000 },
  });
  try {
    const meter = sim.centers.get(fleet.plans[0]!.center)!.byId.get(id)!;
    const before = (meter.read(start + 3_599_000) as MeterState).importKwh;
    const after = (meter.read(start + 3_601_000) as MeterState).importKwh;
    assert.ok(before > 100 && after >= 7 && after < 7.1, `${before} → ${after}`);
    wall = 3 * 3_600_000;
  } finally {
    await sim.close();
  }
  const lines = readFileSync(truthFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { metrics: Record<string, number>; start: string });
  assert.equal(lines.length, 3);
  assert.ok(lines.every((l) => l.metrics.e_total_kwh! > 0));
  assert.equal(lines[0]!.start, new Date(start).toISOString());
  rmSync(path.dirname(truthFile), { recursive: true, force: true });
});

test('a fault config that matches no device is an error naming the rule', async () => {
  const fleet = generateFleet({ centers: 1, seed: 5 });
  await assert.rejects(
    serveFleet({ fleet, faults: { faults: [{ match: 'nope-*', fault: { hang: true } }] } }),
    /faults\[0\]\.match matches no device/,
  );
});

test('with bacnet, chillers and CRAHs answer over BACnet/IP too; every BMC answers as an ipmi_exporter', async () => {
  const fleet = generateFleet({ centers: 1, seed: 23, origin: '2026-03-01' });
  const start = localMidnightMs('2026-03-10') + 14 * 3_600_000;
  const clock = new SimClock({ startMs: start, factor: 1, wall: () => 0 });
  const sim = await serveFleet({ fleet, clock, bacnet: true });
  try {
    const plan = fleet.plans[0]!;
    const devices = sim.centers.get(plan.center)!.byId;
    const cfg = sim.agentConfig(plan.center, { cooling: 'bacnet' });
    assert.deepEqual(compileSchema(agentSchema).problems(cfg), []);
    const targets = targetsOf(cfg);
    const cooling = targets.filter(
      (t) => plan.chillers.some((c) => c.id === t.id) || plan.crahs.some((c) => c.id === t.id),
    );
    assert.equal(cooling.length, plan.chillers.length + plan.crahs.length);
    assert.ok(
      cooling.every((t) => t.protocol === 'bacnet'),
      JSON.stringify(cooling.map((t) => t.protocol)),
    );
    // One local port for the agent's reads, as a center's agent would share one socket.
    const local_port = await freeUdpPort();
    const chiller = cooling.find((t) => t.config['profile'] === 'chiller')!;
    const got = await collect(bacnetPlugin, { ...chiller.config, local_port });
    const c = devices.get(chiller.id)!.read(start) as ChillerState;
    const power = got.find((x) => x.signal === 'power_watts')!;
    assert.ok(Math.abs(power.value - c.powerKw * 1000) < 1, `chiller ${power.value} W vs ${c.powerKw} kW`);
    const crah = cooling.find((t) => t.config['profile'] === 'crah')!;
    const h = devices.get(crah.id)!.read(start) as CrahState;
    const crahSamples = await collect(bacnetPlugin, { ...crah.config, local_port });
    const supply = crahSamples.find((x) => x.signal === 'temperature_celsius' && x.labels?.['location'] === 'supply');
    assert.ok(supply && Math.abs(supply.value - h.supplyAirCelsius) < 0.01, JSON.stringify(supply));

    const server = plan.servers[0]!;
    const ipmi = await collect(prometheusPlugin, {
      url: sim.endpoints.ipmiExporterUrl(server.id),
      profiles: ['ipmi_exporter'],
    });
    const s = devices.get(server.id)!.read(start) as ServerState;
    const watts = ipmi.filter((x) => x.signal === 'power_watts');
    assert.equal(watts.length, 1, JSON.stringify(ipmi));
    assert.equal(watts[0]!.value, Math.round(s.powerWatts));
    const inlet = ipmi.find((x) => x.signal === 'temperature_celsius' && x.labels?.['location'] === 'inlet');
    assert.ok(inlet && Math.abs(inlet.value - s.inletCelsius) < 0.1, JSON.stringify(inlet));
  } finally {
    await sim.close();
  }
});
