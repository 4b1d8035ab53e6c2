/** @module Traces of ingest and engine runs reach a configured OTLP/HTTP endpoint (a loopback receiver here). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestHub, telemetry } from './test-support.ts';

test('ingest and engine spans are exported over OTLP/HTTP when an endpoint is configured', async () => {
  const names: string[] = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const doc = JSON.parse(body) as {
        resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }>;
      };
      for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) names.push(s.name);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/traces`;
  const now = Date.parse('2026-10-05T02:10:00Z');
  const hub = await startTestHub({ now: () => now, config: { telemetry: { otlp_endpoint: endpoint } } });
  try {
    const r = await hub.call('POST', '/api/v1/records', {
      scope: 'agent:gz-01',
      json: { records: [telemetry('gz-01', now - 120_000)] },
    });
    assert.equal(r.status, 200, r.text);
    await hub.ctx.engine.runRealtime(now);
    await hub.ctx.tracing.flush();
    assert.ok(names.includes('ingest.records'), `spans: ${names.join(', ')}`);
    assert.ok(names.includes('engine.run'), `spans: ${names.join(', ')}`);
  } finally {
    await hub.close();
    await hub.ctx.tracing.shutdown();
    receiver.close();
  }
});
