/**
 * @module SNMPv3 keys as secret references against a real agent: Debian `snmpd` (Net-SNMP) with two USM users,
 * read by `dims probe --config` the way a center reads it — the auth key from the environment, the privacy key
 * from a file next to the agent config — and a wrong key refused without any key in the output.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testContext } from '../test-support.ts';
import { CollectError } from '../types.ts';
import { createSnmpCollector } from './snmp.ts';
import { freeUdpPort } from '../../src/shared/udp-port.ts';

const main = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
const AUTH = 'sha-auth-pass-7f3c';
const PRIV = 'aes-priv-pass-19d2';
const MD5_AUTH = 'md5-auth-pass-a41e';

/** Starts snmpd in the foreground on loopback with its own config and persistent dir; resolves once it answers. */
async function startSnmpd(dir: string): Promise<{ port: number; child: ChildProcess }> {
  if (spawnSync('snmpd', ['-v']).error) throw new Error('snmpd is not installed: apt-get install snmpd');
  const port = await freeUdpPort();
  const conf = join(dir, 'snmpd.conf');
  writeFileSync(
    conf,
    [
      `agentAddress udp:127.0.0.1:${port}`,
      `createUser dimsops SHA "${AUTH}" AES "${PRIV}"`,
      `createUser dimsmd5 MD5 "${MD5_AUTH}"`,
      'rouser dimsops priv',
      'rouser dimsmd5 auth',
      '',
    ].join('\n'),
  );
  // -C: only this config; -M/-m: load no MIB text (snmpd answers numeric OIDs anyway, and stays quiet).
  const child = spawn('snmpd', ['-f', '-C', '-c', conf, '-M', dir, '-m', '', '-Lf', join(dir, 'snmpd.log')], {
    env: { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'persist') },
    stdio: 'ignore',
  });
  const probe = {
    host: '127.0.0.1',
    port,
    version: '3',
    profiles: ['if-mib'],
    retries: 0,
    timeout_ms: 200,
    v3: { user: 'dimsmd5', level: 'authNoPriv', auth_protocol: 'md5', auth_key: 'env:K' },
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`snmpd exited with ${child.exitCode}; see ${dir}/snmpd.log`);
    const c = createSnmpCollector(probe, testContext({ 'env:K': MD5_AUTH }));
    try {
      await c.collect(AbortSignal.timeout(500));
      return { port, child };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await c.close();
    }
  }
  child.kill();
  throw new Error(`snmpd did not answer on 127.0.0.1:${port}`);
}

/** Runs the CLI in a child; resolves with its exit status and output. */
function dims(args: string[], env: Record<string, string>): Promise<{ status: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, ...args], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (status) => resolve({ status: status ?? -1, out }));
  });
}

interface Probed {
  id: string;
  ok: boolean;
  samples: Array<{ signal: string; device?: string; value: number; labels?: Record<string, string> }>;
  error?: { kind: string; message: string };
}

describe('SNMPv3 keys from env: and file: references against Debian snmpd', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dims-snmpd-'));
  let snmpd: { port: number; child: ChildProcess };
  before(async () => {
    mkdirSync(join(dir, 'persist'));
    snmpd = await startSnmpd(dir);
  });
  after(async () => {
    // snmpd saves its persistent USM file while shutting down: wait for it before removing the directory.
    if (snmpd && snmpd.child.exitCode === null) {
      const exited = new Promise((r) => snmpd.child.once('exit', r));
      snmpd.child.kill();
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads authPriv (SHA/AES) and authNoPriv (MD5) users; a wrong key fails as auth and no key is printed', async () => {
    mkdirSync(join(dir, 'keys'));
    writeFileSync(join(dir, 'keys', 'priv'), `${PRIV}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'keys', 'md5'), MD5_AUTH, { mode: 0o600 });
    const target = (id: string, v3: string) =>
      `  - { id: ${id}, protocol: snmp, timeout: 3s, config: { host: 127.0.0.1, port: ${snmpd.port}, version: "3", ` +
      `profiles: [if-mib], retries: 0, v3: ${v3} } }`;
    const file = join(dir, 'agent.yaml');
    writeFileSync(
      file,
      [
        'center: snmpd-v3',
        'sinks: [{ type: stdout }]',
        'targets:',
        target(
          'sha-aes',
          '{ user: dimsops, level: authPriv, auth_protocol: sha, auth_key: env:DIMS_T_AUTH, priv_protocol: aes, priv_key: file:keys/priv }',
        ),
        target('md5', '{ user: dimsmd5, level: authNoPriv, auth_protocol: md5, auth_key: file:keys/md5 }'),
        target(
          'wrong',
          '{ user: dimsops, level: authPriv, auth_protocol: sha, auth_key: env:DIMS_T_WRONG, priv_protocol: aes, priv_key: file:keys/priv }',
        ),
        '',
      ].join('\n'),
    );
    const r = await dims(['probe', '--config', file, '--json'], {
      DIMS_T_AUTH: AUTH,
      DIMS_T_WRONG: 'not-the-key-0000',
    });
    assert.equal(r.status, 1, r.out);
    const results = JSON.parse(r.out.slice(r.out.indexOf('['))) as Probed[];
    const byId = new Map(results.map((x) => [x.id, x]));
    for (const id of ['sha-aes', 'md5']) {
      const res = byId.get(id)!;
      assert.equal(res.ok, true, `${id}: ${JSON.stringify(res.error)}`);
      const lo = res.samples.find((s) => s.device === 'lo' && s.labels?.['direction'] === 'in');
      assert.ok(lo && lo.signal === 'octets' && lo.value > 0, `${id}: ${JSON.stringify(res.samples)}`);
    }
    const wrong = byId.get('wrong')!;
    assert.equal(wrong.ok, false);
    assert.equal(wrong.error?.kind, 'auth', JSON.stringify(wrong.error));
    for (const key of [AUTH, PRIV, MD5_AUTH, 'not-the-key-0000']) assert.ok(!r.out.includes(key), 'a key was printed');
  });

  it('an unset key reference is a config error naming the field, not the key', async () => {
    const c = createSnmpCollector(
      {
        host: '127.0.0.1',
        port: snmpd.port,
        version: '3',
        profiles: ['if-mib'],
        v3: { user: 'dimsmd5', level: 'authNoPriv', auth_protocol: 'md5', auth_key: 'env:DIMS_UNSET' },
      },
      testContext(),
    );
    await assert.rejects(c.collect(AbortSignal.timeout(2000)), (e: unknown) => {
      assert.ok(e instanceof CollectError && e.kind === 'config', String(e));
      assert.match(e.message, /cannot resolve v3\.auth_key \(env:…\)/);
      return true;
    });
    await c.close();
  });
});
