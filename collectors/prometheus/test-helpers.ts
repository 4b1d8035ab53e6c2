/** @module Test helpers for this folder: a fixture HTTP stub, plus the shared test context and certificate. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
export { testContext, selfSignedCert } from '../test-support.ts';

/** Serves fixed bodies by path (`/name` → body + content type) on a free loopback port. */
export async function startStub(
  routes: Record<string, { body: string | Buffer; contentType: string; status?: number }>,
): Promise<{ url: (path: string) => string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const r = routes[req.url ?? ''];
    if (r === undefined) {
      res.statusCode = 404;
      return void res.end('not found');
    }
    res.statusCode = r.status ?? 200;
    res.setHeader('Content-Type', r.contentType);
    res.end(r.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
