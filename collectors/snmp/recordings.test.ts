/**
 * @module Vendor profiles against recorded and MIB-derived devices served over real SNMP by snmpsim (the
 * Debian `snmpsim` package, a third-party agent): testdata/recordings/<case>/{device.snmprec, config.yaml,
 * expected.json | error.txt}. Each case is read through createSnmpCollector over UDP with its own community,
 * so detection (profiles: auto), the profile's OIDs and scales, and v1 are all exercised on the wire.
 *
 * Set DIMS_UPDATE_GOLDEN=1 to (re)write expected.json after reviewing a change.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { CollectError, type Sample } from '../types.ts';
import { testContext } from '../test-support.ts';
import { createSnmpCollector } from './snmp.ts';
import { freeUdpPort } from '../../src/shared/udp-port.ts';

const root = join(import.meta.dirname, 'testdata', 'recordings');
const cases = readdirSync(root).sort();

/** Starts snmpsimd over a data dir of `<community>.snmprec` files; resolves once it answers. */
async function startSnmpsim(dataDir: string): Promise<{ port: number; child: ChildProcess }> {
  if (spawnSync('snmpsimd', ['--help']).error)
    throw new Error('snmpsimd is not installed: apt-get install snmpsim (the SNMP agent simulator)');
  const port = await freeUdpPort();
  const args = [
    `--data-dir=${dataDir}`,
    `--agent-udpv4-endpoint=127.0.0.1:${port}`,
    '--cache-dir',
    join(dataDir, '.cache'),
  ];
  // snmpsimd refuses to run as root unless told which user to drop to.
  if (process.getuid?.() === 0) args.push('--process-user=nobody', '--process-group=nogroup');
  const child = spawn('snmpsimd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const probe = { host: '127.0.0.1', port, version: '2c', community: cases[0]!, profiles: ['ups-mib'], retries: 0 };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`snmpsimd exited: ${stderr.slice(-500)}`);
    const c = createSnmpCollector({ ...probe, timeout_ms: 200 }, testContext());
    try {
      await c.collect(AbortSignal.timeout(500));
      return { port, child };
    } catch (e) {
      // Any SNMP answer (even "no readings") means the agent is up; only silence means not yet.
      if (e instanceof CollectError && e.kind !== 'timeout') return { port, child };
    } finally {
      await c.close();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`snmpsimd did not answer on 127.0.0.1:${port}: ${stderr.slice(-500)}`);
}

describe('SNMP vendor profiles against recordings served by snmpsim', () => {
  let sim: { port: number; child: ChildProcess };
  const data = mkdtempSync(join(tmpdir(), 'dims-snmpsim-'));
  before(async () => {
    for (const c of cases) copyFileSync(join(root, c, 'device.snmprec'), join(data, `${c}.snmprec`));
    // Run as root, snmpsimd drops to nobody, which must read the data and write its index cache.
    chmodSync(data, 0o755);
    mkdirSync(join(data, '.cache'), { mode: 0o777 });
    chmodSync(join(data, '.cache'), 0o777);
    sim = await startSnmpsim(data);
  });
  after(() => {
    sim?.child.kill();
    rmSync(data, { recursive: true, force: true });
  });

  it('every case names its source in the recording', () => {
    for (const c of cases)
      assert.match(readFileSync(join(root, c, 'device.snmprec'), 'utf8'), /^# .*(recording|Written from)/m, c);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(root, name);
      const config = {
        ...(parse(readFileSync(join(dir, 'config.yaml'), 'utf8')) as object),
        port: sim.port,
        community: name,
      };
      const ctx = testContext();
      const c = createSnmpCollector(config, ctx);
      try {
        const errorPath = join(dir, 'error.txt');
        if (existsSync(errorPath)) {
          const got = await c.collect(AbortSignal.timeout(5000)).then(
            () => 'no error',
            (e: unknown) => (e instanceof CollectError ? `${e.kind}: ${e.message}` : String(e)),
          );
          assert.equal(got.replaceAll(`127.0.0.1:${sim.port}`, 'HOST'), readFileSync(errorPath, 'utf8').trim());
          return;
        }
        const samples: Sample[] = await c.collect(AbortSignal.timeout(5000));
        const report = c.report?.();
        const got = {
          profiles: report?.produced.map((p) => p.profile),
          ...(report?.detected !== undefined ? { detected: report.detected } : {}),
          // A partial read: what the profile expected and the device did not answer.
          ...(report !== undefined && report.missing.length > 0 ? { missing: report.missing } : {}),
          samples,
        };
        const expectedPath = join(dir, 'expected.json');
        if (process.env['DIMS_UPDATE_GOLDEN'] === '1') writeFileSync(expectedPath, `${JSON.stringify(got, null, 2)}\n`);
        assert.ok(existsSync(expectedPath), `${expectedPath} is missing (run with DIMS_UPDATE_GOLDEN=1 and review it)`);
        assert.deepEqual(got, JSON.parse(readFileSync(expectedPath, 'utf8')));
      } finally {
        await c.close();
      }
    });
  }
});
