/** Tests of the Redfish client's connections: kept across one read's requests, closed once idle. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { IDLE_SOCKET_MS, RedfishClient } from './client.ts';

test('a BMC connection serves one read’s requests and is closed by the agent once idle', async () => {
  const opened: Array<{ closed: boolean }> = [];
  // Like a BMC that keeps connections for a minute: only the client's idle timeout can close them.
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ '@odata.id': '/redfish/v1/' }));
  });
  server.on('connection', (socket) => {
    const c = { closed: false };
    opened.push(c);
    socket.on('close', () => (c.closed = true));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const client = new RedfishClient({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    auth: 'none',
    credentials: () => ({ username: '', password: '' }),
    insecureSkipVerify: false,
    maxConcurrency: 1,
    maxBodyBytes: 65536,
  });
  try {
    const signal = AbortSignal.timeout(5000);
    for (let i = 0; i < 3; i++) await client.get('/redfish/v1/', signal);
    assert.equal(opened.length, 1, 'one connection for the requests of a read');
    await sleep(IDLE_SOCKET_MS / 2);
    assert.equal(opened[0]!.closed, false, 'kept while the read may still need it');
    await sleep(IDLE_SOCKET_MS / 2 + 1000);
    assert.equal(opened[0]!.closed, true, `closed after ${IDLE_SOCKET_MS} ms idle`);
  } finally {
    await client.close(AbortSignal.timeout(1000));
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
