/**
 * @module The hub over HTTPS with certificates made at test time: clients verify it against its CA; with a
 * client CA, agent and federate tokens need a verified client certificate naming them (mTLS); a renewed
 * certificate is served without a restart, a broken one is refused and the running one kept; an agent
 * pushes over mTLS, and one that cannot verify the hub (no CA, or another CA configured) keeps its records.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:tls';
import path from 'node:path';
import { makeCa, makeCert } from '../../tests/support/certs.ts';
import { CENTERS, tempDir, writeRegistry } from '../../tests/e2e/hub-support.ts';
import { telemetry } from './test-support.ts';
import { parseConfig } from './config.ts';
import { startHub, type RunningHub } from './server.ts';
import { createToken } from './auth/tokens.ts';
import { runAgentInProcess } from '../agent/runtime/agent.ts';
import { fakePlugin } from '../agent/testing/fake-plugin.ts';

const dir = tempDir('dims-tls-');
after(() => rmSync(dir, { recursive: true, force: true }));
const ca = makeCa(dir, 'dims test CA');
const other = makeCa(dir, 'another CA');
const server = makeCert(ca, dir, 'hub', { cn: 'localhost', ip: '127.0.0.1', dns: 'localhost' });
const gz01 = makeCert(ca, dir, 'gz-01', { cn: 'gz-01' });
const gd01 = makeCert(ca, dir, 'gd-01', { cn: 'gd-01' });
const fed52 = makeCert(ca, dir, 'federate-52', { cn: 'federate:52' });
const forged = makeCert(other, dir, 'forged-gz-01', { cn: 'gz-01' });

interface Call {
  ca?: string;
  cert?: { cert: string; key: string };
  token?: string;
  method?: string;
  json?: unknown;
}

/** One HTTPS request with the given trust, client certificate and token. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function call(url: string, p: string, o: Call = {}): Promise<{ status: number; body: any }> {
  const body = o.json === undefined ? undefined : Buffer.from(JSON.stringify(o.json));
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${p}`,
      {
        method: o.method ?? 'GET',
        agent: false,
        ...(o.ca ? { ca: readPem(o.ca) } : {}),
        ...(o.cert ? { cert: readPem(o.cert.cert), key: readPem(o.cert.key) } : {}),
        headers: {
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
          ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function readPem(file: string): string {
  return readFileSync(file, 'utf8');
}

/** The serial number of the certificate the hub serves now. */
function servedSerial(url: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: Number(port), ca: readPem(ca.cert), servername: 'localhost' }, () => {
      resolve(s.getPeerCertificate().serialNumber);
      s.end();
    });
    s.on('error', reject);
  });
}

async function hubWith(tls: Record<string, unknown>, logs: string[] = []): Promise<RunningHub> {
  const sub = tempDir('dims-tls-hub-');
  const config = parseConfig(
    {
      registry: writeRegistry(sub, 'reg.yaml', CENTERS),
      listen: { port: 0, tls },
      state_db: path.join(sub, 'state.db'),
      storage: { kind: 'sqlite', path: path.join(sub, 'data.db') },
      engine: { enabled: false },
    },
    path.join(sub, 'hub.yaml'),
    sub,
  );
  return startHub(config, { log: (level, m) => logs.push(`${level} ${m}`), scheduler: false });
}

const T = Date.now() - 3_600_000 - (Date.now() % 60_000);

test('HTTPS with the configured certificate: a client that trusts the CA gets through, one that does not is refused', async () => {
  const hub = await hubWith({ cert: server.cert, key: server.key });
  try {
    assert.match(hub.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await call(hub.url, '/healthz', { ca: ca.cert })).status, 200);
    await assert.rejects(call(hub.url, '/healthz'), /unable to verify the first certificate/);
    await assert.rejects(call(hub.url, '/healthz', { ca: other.cert }), /unable to verify|self-signed/);
  } finally {
    await hub.close();
  }
});

test('mTLS: agent and federate tokens need a verified client certificate naming them; readers need none', async () => {
  const hub = await hubWith({ cert: server.cert, key: server.key, client_ca: ca.cert });
  try {
    const agent = createToken(hub.ctx.state, 'agent:gz-01').token;
    const push = (cert?: { cert: string; key: string }, token = agent, center = 'gz-01', at = T) =>
      call(hub.url, '/api/v1/records', {
        ca: ca.cert,
        method: 'POST',
        token,
        json: { records: [telemetry(center, at)] },
        ...(cert ? { cert } : {}),
      });
    assert.equal((await push(gz01)).status, 200);
    const none = await push(undefined, agent, 'gz-01', T + 60_000);
    assert.equal(none.status, 403);
    assert.equal(none.body.error.code, 'DIMS_ERR_CLIENT_CERT_REQUIRED');
    assert.match(none.body.error.message, /none was presented/);
    const wrong = await push(gd01, agent, 'gz-01', T + 60_000);
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'DIMS_ERR_CLIENT_CERT_MISMATCH');
    assert.match(wrong.body.error.message, /names "gd-01", the token "gz-01"/);
    const forgedAnswer = await push(forged, agent, 'gz-01', T + 60_000);
    assert.equal(forgedAnswer.status, 403);
    assert.equal(forgedAnswer.body.error.code, 'DIMS_ERR_CLIENT_CERT_REQUIRED');
    assert.match(forgedAnswer.body.error.message, /the one presented was refused/);
    const fed = createToken(hub.ctx.state, 'federate:52').token;
    assert.equal((await push(fed52, fed, 'gz-02')).status, 200);
    assert.equal((await push(gz01, fed, 'gz-02', T + 60_000)).body.error.code, 'DIMS_ERR_CLIENT_CERT_MISMATCH');
    const nation = createToken(hub.ctx.state, 'nation').token;
    assert.equal((await call(hub.url, '/api/v1/catalog', { ca: ca.cert, token: nation })).status, 200);
    const stored = await hub.ctx.storage.queryRecords({ fromMs: T - 60_000, toMs: T + 120_000 });
    assert.deepEqual(stored.map((r) => r.center).sort(), ['gz-01', 'gz-02']);
  } finally {
    await hub.close();
  }
});

test('client_certs: require refuses a connection without a certificate at the handshake', async () => {
  const hub = await hubWith({ cert: server.cert, key: server.key, client_ca: ca.cert, client_certs: 'require' });
  try {
    await assert.rejects(call(hub.url, '/healthz', { ca: ca.cert }), /certificate required|socket hang up|ECONNRESET/);
    assert.equal((await call(hub.url, '/healthz', { ca: ca.cert, cert: gd01 })).status, 200);
  } finally {
    await hub.close();
  }
});

test('a renewed certificate is served without a restart; a broken one is refused and the running one kept', async () => {
  const live = { cert: path.join(dir, 'live.crt'), key: path.join(dir, 'live.key') };
  copyFileSync(server.cert, live.cert);
  copyFileSync(server.key, live.key);
  const logs: string[] = [];
  const hub = await hubWith(live, logs);
  try {
    const first = await servedSerial(hub.url);
    const renewed = makeCert(ca, dir, 'hub-renewed', { cn: 'localhost', ip: '127.0.0.1', dns: 'localhost' });
    copyFileSync(renewed.key, live.key);
    copyFileSync(renewed.cert, live.cert);
    let serial = first;
    for (let i = 0; i < 50 && serial === first; i++) {
      await new Promise((r) => setTimeout(r, 200));
      serial = await servedSerial(hub.url);
    }
    assert.notEqual(serial, first, 'the renewed certificate is served');
    assert.ok(
      logs.some((l) => l.startsWith('info tls: certificate reloaded')),
      logs.join('\n'),
    );
    writeFileSync(live.cert, '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n');
    for (let i = 0; i < 50 && !logs.some((l) => l.startsWith('error tls: kept the running certificate')); i++)
      await new Promise((r) => setTimeout(r, 200));
    assert.ok(
      logs.some((l) => l.startsWith('error tls: kept the running certificate')),
      logs.join('\n'),
    );
    assert.equal(await servedSerial(hub.url), serial, 'still the renewed certificate');
    assert.equal((await call(hub.url, '/healthz', { ca: ca.cert })).status, 200);
  } finally {
    await hub.close();
  }
});

test('an agent pushes over mTLS; agents that cannot verify the hub (no CA, another CA) keep their records', async () => {
  const hub = await hubWith({ cert: server.cert, key: server.key, client_ca: ca.cert });
  const meter = fakePlugin(
    new Map([['m1', { samples: (now: number) => [{ signal: 'energy_kwh', value: 1000 + (100 * now) / 3.6e6 }] }]]),
  );
  process.env.DIMS_TLS_TEST_TOKEN = createToken(hub.ctx.state, 'agent:gz-01').token;
  const agentWith = (center: string, sink: Record<string, unknown>) =>
    runAgentInProcess(
      {
        center,
        interval: '1s',
        scrape_interval: '250ms',
        defaults: { timeout: '100ms' },
        outbox: { path: path.join(tempDir('dims-tls-agent-'), 'o.sqlite') },
        sinks: [{ type: 'hub', url: hub.url, token: 'env:DIMS_TLS_TEST_TOKEN', ...sink }],
        targets: [{ id: 'm1', protocol: 'fake', roles: ['facility'], config: { name: 'm1' } }],
      },
      { plugins: { fake: meter }, log: () => {}, metricsPort: null, sendRetry: { minMs: 50, maxMs: 300 } },
    );
  const good = await agentWith('gz-01', { ca_file: ca.cert, cert_file: gz01.cert, key_file: gz01.key });
  const blind = await agentWith('gz-01', { cert_file: gz01.cert, key_file: gz01.key });
  const misled = await agentWith('gz-01', { ca_file: other.cert, cert_file: gz01.cert, key_file: gz01.key });
  try {
    await new Promise((r) => setTimeout(r, 3500));
    const stored = await hub.ctx.storage.queryRecords({ fromMs: Date.now() - 60_000, toMs: Date.now() + 60_000 });
    assert.ok(stored.length >= 2, `${stored.length} records over mTLS`);
    // A record closes every second, so one may be on its way at any instant: the outbox empties between them.
    for (let i = 0; i < 100 && good.outbox.stats().depth > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(good.outbox.stats().depth, 0);
    assert.ok(blind.outbox.stats().depth >= 2, 'the agent that cannot verify the hub keeps its records');
    assert.equal(blind.outbox.stats().sent, 0);
    assert.ok(misled.outbox.stats().depth >= 2, 'the agent trusting another CA keeps its records');
    assert.equal(misled.outbox.stats().sent, 0);
  } finally {
    await good.stop();
    await blind.stop();
    await misled.stop();
    await hub.close();
  }
});
