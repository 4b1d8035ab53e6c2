/** @module Interop: our parser and node_exporter profile read the output of a real prometheus-node-exporter binary. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { prometheusPlugin } from './index.ts';
import { testContext } from './test-helpers.ts';

const BINARY = '/usr/bin/prometheus-node-exporter';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

test(
  'a real prometheus-node-exporter is parsed into cpu_seconds busy/total and a cpu inventory row',
  { timeout: 30_000 },
  async () => {
    assert.ok(
      existsSync(BINARY),
      `${BINARY} is missing: install the Debian package prometheus-node-exporter (this test never skips)`,
    );
    const port = await freePort();
    const child = spawn(BINARY, [`--web.listen-address=127.0.0.1:${port}`, '--collector.cpu.info'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const collector = prometheusPlugin.create(
      { url: `http://127.0.0.1:${port}/metrics`, profiles: ['node_exporter'] },
      testContext(),
    );
    try {
      // The exporter needs a moment to bind; retry connection errors for up to 10 s.
      let samples;
      const until = Date.now() + 10_000;
      for (;;) {
        try {
          samples = await collector.collect(AbortSignal.timeout(5_000));
          break;
        } catch (err) {
          if (Date.now() > until || child.exitCode !== null)
            throw new Error(`node_exporter did not answer: ${(err as Error).message}\n${stderr}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      const busy = samples.find((s) => s.signal === 'cpu_seconds' && s.labels?.['mode'] === 'busy');
      const total = samples.find((s) => s.signal === 'cpu_seconds' && s.labels?.['mode'] === 'total');
      assert.ok(busy !== undefined && busy.value > 0, `busy: ${JSON.stringify(busy)}`);
      assert.ok(total !== undefined && total.value > busy.value, `total: ${JSON.stringify(total)}`);
      const cpu = samples.filter((s) => s.signal === 'inventory' && s.labels?.['kind'] === 'cpu');
      assert.ok(cpu.length >= 1, 'no cpu inventory row');
      assert.ok(cpu[0]!.value >= 1);
      assert.notEqual(cpu[0]!.labels?.['vendor'], undefined);
    } finally {
      await collector.close();
      child.kill('SIGTERM');
    }
  },
);
