/**
 * @module OpenTelemetry configured by the standard OTEL_* environment only: `dims hub` and `dims agent` run as
 * child processes and export traces and their own metrics over OTLP/HTTP to a receiver on loopback that decodes
 * the JSON export.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { StateDb } from '../../src/hub/state-db.ts';
import { createToken } from '../../src/hub/auth/tokens.ts';
import { CENTERS, TestAgent, recordsFor, tempDir, writeRegistry, writeSqliteHubConfig } from './hub-support.ts';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

type AnyValue = { stringValue?: string };
interface Export {
  path: string;
  resource: Record<string, string>;
  spans: string[];
  metrics: string[];
}

/** An OTLP/HTTP receiver (http/json): one entry per resource of every export it gets. */
async function startReceiver(): Promise<{ endpoint: string; exports: Export[]; close(): void }> {
  const exports: Export[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const doc = JSON.parse(body) as {
        resourceSpans?: Array<{
          resource: { attributes: Array<{ key: string; value: AnyValue }> };
          scopeSpans: Array<{ spans: Array<{ name: string }> }>;
        }>;
        resourceMetrics?: Array<{
          resource: { attributes: Array<{ key: string; value: AnyValue }> };
          scopeMetrics: Array<{ metrics: Array<{ name: string }> }>;
        }>;
      };
      const attrs = (a: Array<{ key: string; value: AnyValue }>) =>
        Object.fromEntries(a.map((x) => [x.key, x.value.stringValue ?? '']));
      for (const rs of doc.resourceSpans ?? [])
        exports.push({
          path: req.url ?? '',
          resource: attrs(rs.resource.attributes),
          spans: rs.scopeSpans.flatMap((s) => s.spans.map((x) => x.name)),
          metrics: [],
        });
      for (const rm of doc.resourceMetrics ?? [])
        exports.push({
          path: req.url ?? '',
          resource: attrs(rm.resource.attributes),
          spans: [],
          metrics: rm.scopeMetrics.flatMap((s) => s.metrics.map((x) => x.name)),
        });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exports,
    close: () => server.close(),
  };
}

/** Runs `dims <args>` with `env` until `until` resolves, then SIGTERM; resolves with its output once it exited. */
function runUntil(
  args: string[],
  env: Record<string, string>,
  until: (stdout: () => string) => Promise<void>,
): Promise<string> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  return (async () => {
    try {
      await Promise.race([
        until(() => out),
        exited.then((code) => Promise.reject(new Error(`dims ${args[0]} exited with ${code}:\n${out}`))),
      ]);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, out);
    return out;
  })();
}

async function waitFor(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const OTEL = (endpoint: string) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_METRIC_EXPORT_INTERVAL: '300',
  OTEL_BSP_SCHEDULE_DELAY: '100',
});

test('dims hub: ingest spans and the hub metrics go out over OTLP, named by OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES', async () => {
  const receiver = await startReceiver();
  const dir = tempDir('dims-otel-hub-');
  try {
    const registry = writeRegistry(dir, 'reg.yaml', CENTERS);
    const configFile = writeSqliteHubConfig(dir, registry);
    const state = new StateDb(path.join(dir, 'state.db'));
    const token = createToken(state, 'agent:gz-01').token;
    state.close();
    const env = {
      ...OTEL(receiver.endpoint),
      OTEL_SERVICE_NAME: 'hub-guizhou',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=pilot',
    };
    await runUntil(['hub', '--config', configFile], env, async (out) => {
      await waitFor('the hub to listen', () => /listening on http/.test(out()));
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out())![1]!;
      const agent = new TestAgent(url, token);
      agent.queue(recordsFor(['gz-01'], Date.parse('2026-10-05T02:00:00Z'), 5));
      assert.equal(await agent.pushOnce(10), 200);
      await waitFor('the ingest span', () => receiver.exports.some((e) => e.spans.includes('ingest.records')));
      await waitFor('the hub metrics', () =>
        receiver.exports.some((e) => e.metrics.includes('dims_hub_records_accepted_total')),
      );
    });
    const spans = receiver.exports.find((e) => e.spans.includes('ingest.records'))!;
    assert.equal(spans.path, '/v1/traces');
    assert.equal(spans.resource['service.name'], 'hub-guizhou');
    assert.equal(spans.resource['deployment.environment'], 'pilot');
    const metrics = receiver.exports.find((e) => e.metrics.includes('dims_hub_records_accepted_total'))!;
    assert.equal(metrics.path, '/v1/metrics');
    assert.equal(metrics.resource['service.name'], 'hub-guizhou');
  } finally {
    receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dims agent: scrape-round spans and agent metrics over OTLP; OTEL_TRACES_SAMPLER=always_off keeps only metrics', async () => {
  const dir = tempDir('dims-otel-agent-');
  try {
    const configFile = path.join(dir, 'agent.yaml');
    writeFileSync(
      configFile,
      stringify({
        center: 'gz-01',
        interval: '2s',
        scrape_interval: '1s',
        targets: [],
        sinks: [{ type: 'jsonl', path: './out.jsonl' }],
        outbox: { path: './outbox.sqlite' },
      }),
    );
    const traced = await startReceiver();
    try {
      await runUntil(['agent', '--config', configFile], OTEL(traced.endpoint), async () => {
        await waitFor('a scrape-round span', () => traced.exports.some((e) => e.spans.includes('agent.scrape_round')));
        await waitFor('the agent metrics', () =>
          traced.exports.some((e) => e.metrics.includes('dims_agent_outbox_depth')),
        );
      });
      // Without OTEL_SERVICE_NAME the command names the service.
      assert.equal(traced.exports.find((e) => e.spans.length > 0)!.resource['service.name'], 'dims-agent');
    } finally {
      traced.close();
    }

    const sampledOut = await startReceiver();
    try {
      await runUntil(
        ['agent', '--config', configFile],
        { ...OTEL(sampledOut.endpoint), OTEL_TRACES_SAMPLER: 'always_off' },
        async () => {
          await waitFor('the agent metrics', () =>
            sampledOut.exports.some((e) => e.metrics.includes('dims_agent_outbox_depth')),
          );
          // Two scrape rounds at least, each of which would have been a span.
          await new Promise((r) => setTimeout(r, 2_500));
        },
      );
      assert.deepEqual(
        sampledOut.exports.flatMap((e) => e.spans),
        [],
      );
    } finally {
      sampledOut.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
