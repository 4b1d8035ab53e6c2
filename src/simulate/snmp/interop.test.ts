/**
 * @module Interop: the real net-snmp command-line tools (Debian package `snmp`) read our SNMP simulator.
 * The tools are required: when they are missing the test fails and says how to install them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startSnmpSimulator, type SnmpSimulator } from './simulator.ts';
import { fixedPdu, fixedUps } from './test-devices.ts';

const exec = promisify(execFile);

/** Runs a tool asynchronously (the simulator shares this event loop, so a sync spawn would deadlock). */
async function tool(cmd: string, args: string[]): Promise<string> {
  try {
    // -M /dev/null: no MIB files, numeric output only, like the collector.
    const { stdout } = await exec(cmd, ['-M', '/dev/null', '-On', '-t', '2', '-r', '1', ...args], { timeout: 15_000 });
    return stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      assert.fail(`${cmd} is not installed: apt-get install snmp (the interop tier requires the real net-snmp tools)`);
    }
    throw error;
  }
}

describe('net-snmp tools against the SNMP simulator', () => {
  let sim: SnmpSimulator;
  before(async () => {
    sim = await startSnmpSimulator({
      devices: [
        fixedUps('ups-7'),
        fixedPdu('pdu-7'),
        // A router whose uplink counter is past 2^53: Counter64 must reach the tool exactly.
        {
          id: 'rtr-7',
          kind: 'router',
          read: () => ({
            kind: 'router',
            interfaces: [
              {
                name: 'HundredGigE0/0/0/0',
                speedMbps: 100_000,
                up: true,
                inOctets: 9_007_199_254_740_993n,
                outOctets: 5_000_000_000n,
              },
            ],
          }),
        },
      ],
      users: [
        {
          name: 'interop',
          device: 'pdu-7',
          level: 'authPriv',
          authProtocol: 'sha',
          authKey: 'interop-auth',
          privProtocol: 'aes',
          privKey: 'interop-priv',
        },
      ],
      host: '127.0.0.1',
      port: 0,
      clock: () => 0,
    });
  });
  after(() => sim.close());

  it('snmpget v2c reads UPS output power per line', async () => {
    const out = await tool('snmpget', [
      '-v2c',
      '-c',
      sim.community('ups-7'),
      `127.0.0.1:${sim.port}`,
      '1.3.6.1.2.1.33.1.4.4.1.4.1',
      '1.3.6.1.2.1.33.1.4.4.1.4.2',
    ]);
    assert.match(out, /^\.1\.3\.6\.1\.2\.1\.33\.1\.4\.4\.1\.4\.1 = INTEGER: 2100$/m);
    assert.match(out, /^\.1\.3\.6\.1\.2\.1\.33\.1\.4\.4\.1\.4\.2 = INTEGER: 900$/m);
  });

  it('snmpwalk v2c walks the UPS output table in order', async () => {
    const out = await tool('snmpwalk', ['-v2c', '-c', 'ups-7', `127.0.0.1:${sim.port}`, '1.3.6.1.2.1.33.1.4.4.1.4']);
    const lines = out.trim().split('\n');
    assert.deepEqual(lines, [
      '.1.3.6.1.2.1.33.1.4.4.1.4.1 = INTEGER: 2100',
      '.1.3.6.1.2.1.33.1.4.4.1.4.2 = INTEGER: 900',
    ]);
  });

  it('snmpwalk v3 authPriv (SHA/AES) reads the APC outlet power column', async () => {
    const out = await tool('snmpwalk', [
      '-v3',
      '-l',
      'authPriv',
      '-u',
      'interop',
      '-a',
      'SHA',
      '-A',
      'interop-auth',
      '-x',
      'AES',
      '-X',
      'interop-priv',
      `127.0.0.1:${sim.port}`,
      '1.3.6.1.4.1.318.1.1.26.9.4.3.1.7',
    ]);
    assert.deepEqual(out.trim().split('\n'), [
      '.1.3.6.1.4.1.318.1.1.26.9.4.3.1.7.1 = INTEGER: 2100',
      '.1.3.6.1.4.1.318.1.1.26.9.4.3.1.7.2 = INTEGER: 2130',
      '.1.3.6.1.4.1.318.1.1.26.9.4.3.1.7.3 = INTEGER: 0',
    ]);
  });

  it('snmpget v3 reads the PDU power in hundredths of kW', async () => {
    const out = await tool('snmpget', [
      '-v3',
      '-l',
      'authPriv',
      '-u',
      'interop',
      '-a',
      'SHA',
      '-A',
      'interop-auth',
      '-x',
      'AES',
      '-X',
      'interop-priv',
      `127.0.0.1:${sim.port}`,
      '1.3.6.1.4.1.318.1.1.26.4.3.1.5.1',
    ]);
    assert.match(out, /= INTEGER: 423$/m);
  });

  it('snmpwalk reads IF-MIB ifXTable names and 64-bit octet counters', async () => {
    const out = await tool('snmpwalk', ['-v2c', '-c', 'rtr-7', `127.0.0.1:${sim.port}`, '1.3.6.1.2.1.31.1.1.1']);
    assert.match(out, /^\.1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.1\.1 = STRING: "?HundredGigE0\/0\/0\/0"?$/m);
    assert.match(out, /^\.1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.6\.1 = Counter64: 9007199254740993$/m);
    assert.match(out, /^\.1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.10\.1 = Counter64: 5000000000$/m);
  });

  it('snmpget sees noSuchObject for an absent OID and nothing from a silent device', async () => {
    const out = await tool('snmpget', ['-v2c', '-c', 'ups-7', `127.0.0.1:${sim.port}`, '1.3.6.1.2.1.33.1.9.9.0']);
    assert.match(out, /No Such Object/);
    sim.setFault('ups-7', { silent: true });
    try {
      await assert.rejects(
        exec(
          'snmpget',
          [
            '-M',
            '/dev/null',
            '-t',
            '0.2',
            '-r',
            '0',
            '-v2c',
            '-c',
            'ups-7',
            `127.0.0.1:${sim.port}`,
            '1.3.6.1.2.1.1.5.0',
          ],
          { timeout: 5000 },
        ),
        /Timeout/,
      );
    } finally {
      sim.setFault('ups-7', null);
    }
  });
});
