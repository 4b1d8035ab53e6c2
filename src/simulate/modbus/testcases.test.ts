/**
 * @module Regression cases, one folder each (telegraf modbus style): testcases/<case>/{config.yaml,
 * device.yaml, expected.json | init.err | collect.err}. The device state is served by the simulator;
 * the runner fills in host, port and unit id. Error files hold `<kind>: <exact message>`.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { ChillerState, CrahState, MeterState, SimDevice } from '../device-state.ts';
import { CollectError } from '../../../collectors/types.ts';
import { createModbusCollector } from '../../../collectors/modbus/modbus.ts';
import { startModbusSimulator, type ModbusSimulator } from './simulator.ts';

const root = join(import.meta.dirname, 'testcases');
const cases = readdirSync(root).sort();
const ctx = { secret: () => '', log: () => undefined };

const errorText = (e: unknown) => (e instanceof CollectError ? `${e.kind}: ${e.message}` : `unexpected: ${String(e)}`);

describe('Modbus testcases', () => {
  let sim: ModbusSimulator;
  before(async () => {
    const devices = cases.map((name) => {
      const state = parse(readFileSync(join(root, name, 'device.yaml'), 'utf8')) as
        MeterState | ChillerState | CrahState;
      return { id: name, kind: state.kind, read: () => state } as
        SimDevice<MeterState> | SimDevice<ChillerState> | SimDevice<CrahState>;
    });
    sim = await startModbusSimulator({ devices, host: '127.0.0.1', port: 0 });
  });
  after(() => sim.close());

  it('has good cases and broken ones', () => {
    assert.ok(cases.filter((c) => existsSync(join(root, c, 'init.err'))).length >= 3);
    assert.ok(cases.some((c) => existsSync(join(root, c, 'collect.err'))));
    assert.ok(cases.filter((c) => existsSync(join(root, c, 'expected.json'))).length >= 3);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(root, name);
      const config = {
        ...(parse(readFileSync(join(dir, 'config.yaml'), 'utf8')) as object),
        host: '127.0.0.1',
        port: sim.port,
        unit_id: sim.unitId(name),
        timeout_ms: 1000,
      };
      const read = (f: string) =>
        readFileSync(join(dir, f), 'utf8')
          .trim()
          .replace('PORT', String(sim.port))
          .replace('UNIT', String(sim.unitId(name)));
      if (existsSync(join(dir, 'init.err'))) {
        let got = 'no error';
        try {
          createModbusCollector(config, ctx);
        } catch (e) {
          got = errorText(e);
        }
        assert.equal(got, read('init.err'));
        return;
      }
      const c = createModbusCollector(config, ctx);
      try {
        if (existsSync(join(dir, 'collect.err'))) {
          assert.equal(
            await c.collect(AbortSignal.timeout(3000)).then(() => 'no error', errorText),
            read('collect.err'),
          );
        } else {
          assert.deepEqual(await c.collect(AbortSignal.timeout(3000)), JSON.parse(read('expected.json')));
        }
      } finally {
        await c.close();
      }
    });
  }
});
