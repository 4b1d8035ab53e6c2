/**
 * @module Interop: the real `mbpoll` Modbus master (Debian package `mbpoll`) reads our Modbus simulator.
 * The tool is required: when it is missing the test fails and says how to install it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startModbusSimulator, type ModbusSimulator } from './simulator.ts';
import { fixedChiller, fixedMeter } from './test-devices.ts';

const exec = promisify(execFile);

/** Runs mbpoll once (-1) asynchronously: the simulator shares this event loop. */
async function mbpoll(args: string[]): Promise<string> {
  try {
    const { stdout } = await exec('mbpoll', ['-m', 'tcp', '-1', '-o', '2', ...args, '127.0.0.1'], { timeout: 15_000 });
    return stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      assert.fail('mbpoll is not installed: apt-get install mbpoll (the interop tier requires it)');
    throw error;
  }
}

describe('mbpoll against the Modbus simulator', () => {
  let sim: ModbusSimulator;
  before(async () => {
    sim = await startModbusSimulator({
      devices: [fixedChiller('chiller-x'), fixedMeter('meter-x')],
      host: '127.0.0.1',
      port: 0,
      clock: () => 0,
    });
  });
  after(() => sim.close());

  it('reads the SDM630 total power float at address 0x0034 (mbpoll reference 53, big-endian words)', async () => {
    const out = await mbpoll([
      '-p',
      String(sim.port),
      '-a',
      String(sim.unitId('meter-x')),
      '-t',
      '3:float',
      '-B',
      '-r',
      '53',
      '-c',
      '1',
    ]);
    assert.match(out, /^\[53\]:\s+6000$/m);
  });

  it('reads the three phase voltages as consecutive floats', async () => {
    const out = await mbpoll([
      '-p',
      String(sim.port),
      '-a',
      String(sim.unitId('meter-x')),
      '-t',
      '3:float',
      '-B',
      '-r',
      '1',
      '-c',
      '3',
    ]);
    assert.match(out, /^\[1\]:\s+230\.1\d*$/m);
    assert.match(out, /^\[3\]:\s+229\.8\d*$/m);
    assert.match(out, /^\[5\]:\s+231\.2\d*$/m);
  });

  it('reads chiller holding registers (chilled-water supply and return ×10) with 0-based addressing', async () => {
    const out = await mbpoll([
      '-p',
      String(sim.port),
      '-a',
      String(sim.unitId('chiller-x')),
      '-t',
      '4',
      '-0',
      '-r',
      '6',
      '-c',
      '2',
    ]);
    assert.match(out, /^\[6\]:\s+72$/m);
    assert.match(out, /^\[7\]:\s+124$/m);
  });

  it('sees the exception a faulted device answers', async () => {
    sim.setFault('meter-x', { modbusException: 2 });
    try {
      const r = await exec(
        'mbpoll',
        [
          '-m',
          'tcp',
          '-1',
          '-o',
          '1',
          '-p',
          String(sim.port),
          '-a',
          String(sim.unitId('meter-x')),
          '-t',
          '3:float',
          '-B',
          '-r',
          '53',
          '-c',
          '1',
          '127.0.0.1',
        ],
        { timeout: 10_000 },
      ).then(
        (ok) => ok.stdout + ok.stderr,
        (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
      );
      assert.match(r, /Illegal data address/i);
    } finally {
      sim.setFault('meter-x', null);
    }
  });
});
