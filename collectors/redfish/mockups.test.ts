/**
 * @module Regression tests on published Redfish trees (DMTF mockups, an HPE iLO 5 capture): the readings that were
 * wrong — PSU sensors taken for the chassis, empty sockets counted, PSUs colliding by name, silent partial reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CollectReport, Sample } from '../types.ts';
import { redfishPlugin } from './index.ts';
import { startFixtureServer, testContext } from './test-helpers.ts';
import type { FixtureRoute } from './test-helpers.ts';

async function read(file: string): Promise<{ samples: Sample[]; report: CollectReport | undefined; url: string }> {
  const { routes } = JSON.parse(readFileSync(join(import.meta.dirname, 'testdata', file), 'utf8')) as {
    routes: Record<string, FixtureRoute>;
  };
  const stub = await startFixtureServer(routes);
  const c = redfishPlugin.create({ url: stub.url, auth: 'none' }, testContext());
  try {
    const samples = await c.collect(AbortSignal.timeout(3000));
    return { samples, report: c.report?.(), url: stub.url };
  } finally {
    await c.close();
    await stub.close();
  }
}

const whole = (samples: Sample[], signal: string): number | undefined =>
  samples.find((s) => s.signal === signal && s.device === undefined)?.value;

test('energy falls back to the chassis energy sensor, not the first power supply one (DMTF public-rackmount1)', async () => {
  const { samples } = await read('dmtf/rackmount1-sensors.json');
  assert.equal(whole(samples, 'energy_kwh'), 325675, 'TotalEnergy (PhysicalContext Chassis), not PS1Energy (7855)');
  assert.equal(whole(samples, 'power_watts'), 374);
});

test('power falls back to the chassis power sensor, not one of two power supplies (DMTF public-rackmount1)', async () => {
  const { samples } = await read('dmtf/rackmount1-two-psus-sensors-only.json');
  assert.equal(whole(samples, 'power_watts'), 374, 'TotalPower, not PS1InputPower (187)');
  assert.equal(whole(samples, 'energy_kwh'), 325675);
});

test('an empty CPU socket (Status.State Absent) is not counted (DMTF public-rackmount1)', async () => {
  const { samples } = await read('dmtf/rackmount1-sensors.json');
  const cpus = samples.filter((s) => s.signal === 'inventory' && s.labels?.['kind'] === 'cpu');
  assert.deepEqual(
    cpus.map((s) => [s.labels?.['vendor'], s.labels?.['model'], s.value]),
    [['Intel', 'Multi-Core Intel(R) Xeon(R) processor 7xxx Series', 1]],
  );
});

test('two power supplies with the same Name stay two series, told apart by MemberId (HPE iLO 5)', async () => {
  const { samples, report } = await read('hpe/ilo5-psus-same-name.json');
  const psus = samples.filter((s) => s.signal === 'power_watts' && s.labels?.['component'] === 'power_supply');
  assert.deepEqual(
    psus.map((s) => [s.device, s.value, s.labels?.['name']]),
    [
      ['0', 55, 'HpeServerPowerSupply'],
      ['1', 66, 'HpeServerPowerSupply'],
    ],
  );
  assert.equal(whole(samples, 'power_watts'), 121);
  assert.deepEqual(report?.missing, []);
});

test('a service root without a Chassis collection is read through Systems/…/Links.Chassis (HPE iLO 5)', async () => {
  const { samples, report } = await read('hpe/ilo5-no-chassis-collection.json');
  assert.equal(whole(samples, 'power_watts'), 121);
  assert.equal(
    samples.find((s) => s.signal === 'temperature_celsius' && s.labels?.['location'] === 'inlet')?.value,
    19,
  );
  assert.deepEqual(report?.missing, []);
});

test('a Power resource that is invalid JSON makes the read partial, naming the reading and the URL (HPE iLO 5)', async () => {
  const { samples, report, url } = await read('hpe/ilo5-power-invalid-json.json');
  assert.equal(whole(samples, 'power_watts'), undefined);
  assert.ok(
    samples.some((s) => s.signal === 'inventory'),
    'inventory still comes',
  );
  const power = report?.missing.find((m) => m.reading === 'power_watts');
  assert.ok(power, `power_watts should be reported missing: ${JSON.stringify(report)}`);
  assert.ok(power.detail.includes(`${url}/redfish/v1/Chassis/1/Power`), power.detail);
  assert.match(power.detail, /invalid JSON/);
});
