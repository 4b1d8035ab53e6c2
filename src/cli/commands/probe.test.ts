/** @module `dims probe` as a user runs it: readings with units and profiles, a partial read, auto detection, bad input. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFixtureServer } from '../../../collectors/redfish/test-helpers.ts';
import { fixedPdu, fixedUps } from '../../simulate/snmp/test-devices.ts';
import { startSnmpSimulator, type SnmpSimulator } from '../../simulate/snmp/simulator.ts';

const main = path.join(import.meta.dirname, '..', 'main.ts');
const fixtures = path.join(import.meta.dirname, '..', '..', '..', 'collectors', 'redfish', 'testdata');

/** Runs the CLI in a child (async: the servers it reads live in this process). */
function dims(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status: status ?? -1, stdout, stderr }));
  });
}

const fixture = (f: string) =>
  (JSON.parse(readFileSync(path.join(fixtures, f), 'utf8')) as { routes: Record<string, never> }).routes;

let snmp: SnmpSimulator;
before(async () => {
  snmp = await startSnmpSimulator({ devices: [fixedUps('ups-1'), fixedPdu('pdu-1')], host: '127.0.0.1', port: 0 });
});
after(() => snmp.close());

test('a Redfish BMC: each reading with its unit, the profile auto picked and why', async () => {
  const stub = await startFixtureServer(fixture('hpe/ilo5-psus-same-name.json'));
  try {
    const r = await dims(['probe', 'redfish', '--target', JSON.stringify({ url: stub.url, auth: 'none' })]);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /: 8 readings in \d+ ms, profile hpe\n/);
    assert.match(r.stdout, /profile auto: ServiceRoot\.Vendor "HPE" → hpe/);
    assert.match(r.stdout, /power_watts +121 W\n/);
    assert.match(r.stdout, /power_watts +0 +55 W +component=power_supply name=HpeServerPowerSupply/);
    assert.match(r.stdout, /temperature_celsius +19 °C +location=inlet/);
  } finally {
    await stub.close();
  }
});

test('a partial read names what is missing and the URL that failed, and exits 3', async () => {
  const stub = await startFixtureServer(fixture('hpe/ilo5-power-invalid-json.json'));
  try {
    const r = await dims(['probe', 'redfish', '--target', `{url: "${stub.url}", auth: none}`, '--json']);
    assert.equal(r.status, 3, r.stderr);
    const [res] = JSON.parse(r.stdout) as Array<{
      ok: boolean;
      report: { missing: Array<{ reading: string; detail: string }> };
    }>;
    assert.equal(res!.ok, true);
    const power = res!.report.missing.find((m) => m.reading === 'power_watts');
    assert.ok(power?.detail.includes(`${stub.url}/redfish/v1/Chassis/1/Power: invalid JSON`), JSON.stringify(res));
  } finally {
    await stub.close();
  }
});

test('SNMP with profiles auto over v1, the community a secret reference: the PDU is read as APC rPDU2', async () => {
  const target = { host: '127.0.0.1', port: snmp.port, version: '1', community: 'env:PROBE_COMMUNITY' };
  const r = await dims(['probe', 'snmp', '--target', JSON.stringify(target)], {
    PROBE_COMMUNITY: snmp.community('pdu-1'),
  });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /profile apc-rpdu2\n/);
  assert.match(r.stdout, /profile auto: sysObjectID 1\.3\.6\.1\.4\.1\.318\.1\.3\.4\.5 matches apc-rpdu2/);
  assert.match(r.stdout, /power_watts +outlet_1 +\d+ W/);
  assert.doesNotMatch(r.stdout + r.stderr, /pdu-1/, 'the community is never printed');
});

test('every target of an agent config with dims agent --once; a failing one exits 1 with its error', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-probe-'));
  const file = path.join(dir, 'agent.yaml');
  writeFileSync(
    file,
    `center: gz-probe
sinks: [{ type: stdout }]
targets:
  - { id: ups, protocol: snmp, config: { host: 127.0.0.1, port: ${snmp.port}, version: "2c", community: ${snmp.community('ups-1')} } }
  - { id: dead, protocol: prometheus, timeout: 1s, config: { url: "http://127.0.0.1:9/metrics" } }
`,
  );
  const r = await dims(['agent', '--config', file, '--once']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^ups \(snmp\): 5 readings in \d+ ms, profile ups-mib$/m);
  assert.match(r.stdout, /power_watts +output_line_1 +2100 W +direction=output/);
  assert.match(r.stdout, /^dead \(prometheus\): FAILED after \d+ ms: connection: /m);
});

test('bad input is refused naming what is wrong', async () => {
  const noTarget = await dims(['probe', 'snmp']);
  assert.equal(noTarget.status, 2);
  assert.match(noTarget.stderr, /--target is required/);
  const bad = await dims(['probe', 'snmp', '--target', '{host: 127.0.0.1, version: "5"}']);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /FAILED after \d+ ms: config: .*version must be one of "1", "2c", "3" \(got "5"\)/);
  const unknown = await dims(['probe', 'telnet', '--target', '{host: x}']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /protocol "telnet": unknown protocol/);
});
