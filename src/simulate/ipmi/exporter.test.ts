/**
 * @module IPMI through real tools: the simulated BMC (OpenIPMI ipmi_sim) read by the Prometheus
 * ipmi_exporter (Debian prometheus-ipmi-exporter, which runs FreeIPMI), scraped by the dims Prometheus
 * collector with `profiles: auto`.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { prometheusPlugin } from '../../../collectors/prometheus/index.ts';
import { testContext } from '../../../collectors/test-support.ts';
import type { Sample } from '../../../collectors/types.ts';
import { startSimulatedBmc, type SimulatedBmc } from './bmc.ts';
import { freeUdpPort } from '../../shared/udp-port.ts';

async function freeTcpPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

function exporterConfig(bmc: SimulatedBmc): string {
  const auth = '["--authentication-type=MD5"]';
  return `modules:
  default:
    user: "${bmc.user}"
    pass: "${bmc.password}"
    driver: "LAN"
    privilege: "admin"
    timeout: 10000
    collectors: [bmc, ipmi, dcmi]
    custom_args:
      bmc: ${auth}
      ipmi: ${auth}
      dcmi: ${auth}
`;
}

const by = (samples: Sample[]) =>
  Object.fromEntries(samples.map((s) => [[s.signal, s.labels?.location].filter(Boolean).join('/'), s.value]));

describe('ipmi_exporter on a simulated BMC, read by the dims collector', () => {
  let bmc: SimulatedBmc;
  let exporter: ChildProcess;
  let url: string;
  let dir: string;
  before(async () => {
    if (spawnSync('prometheus-ipmi-exporter', ['--version']).error)
      throw new Error('prometheus-ipmi-exporter is not installed: apt-get install prometheus-ipmi-exporter');
    bmc = await startSimulatedBmc(await freeUdpPort());
    dir = mkdtempSync(join(tmpdir(), 'dims-ipmi-exporter-'));
    writeFileSync(join(dir, 'ipmi.yml'), exporterConfig(bmc));
    const port = await freeTcpPort();
    exporter = spawn(
      'prometheus-ipmi-exporter',
      [`--config.file=${join(dir, 'ipmi.yml')}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: 'ignore' },
    );
    url = `http://127.0.0.1:${port}/ipmi?target=${bmc.host}:${bmc.port}&module=default`;
    for (let i = 0; i < 50; i++) {
      const up = await fetch(`http://127.0.0.1:${port}/`).then(
        () => true,
        () => false,
      );
      if (up) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('ipmi_exporter did not start');
  });
  after(async () => {
    exporter?.kill();
    await bmc?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('auto-detects the ipmi_exporter profile: the power sensor (no DCMI in ipmi_sim), inlet and exhaust', async () => {
    const c = prometheusPlugin.create({ url, profiles: 'auto' }, testContext());
    try {
      const samples = await c.collect(AbortSignal.timeout(30_000));
      assert.deepEqual(by(samples), {
        power_watts: 210,
        'temperature_celsius/inlet': 24,
        'temperature_celsius/exhaust': 41,
      });
      assert.deepEqual(c.report?.().produced, [{ profile: 'ipmi_exporter', samples: 3 }]);
      // The BMC's reading changes; the next scrape sees it.
      bmc.set(3, 180);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(by(await c.collect(AbortSignal.timeout(30_000))).power_watts, 180);
    } finally {
      await c.close();
    }
  });
});
