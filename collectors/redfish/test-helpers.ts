/** @module Test helpers for this folder: a server for captured Redfish trees, plus the shared test context and certificate. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
export { testContext, selfSignedCert } from '../test-support.ts';

/** A fixture route: a JSON body, or `$status` (JSON error with that status), `$html` (200 text/html), `$raw` (200 application/json, text as is). */
export type FixtureRoute = Record<string, unknown> & { $status?: number; $html?: string; $raw?: string };

/** Serves a captured Redfish tree (`path → route`) on a free loopback port, Basic auth not checked. */
export async function startFixtureServer(
  routes: Record<string, FixtureRoute>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const r = routes[path] ?? routes[path.endsWith('/') ? path.slice(0, -1) : `${path}/`];
    const send = (status: number, type: string, body: string): void => {
      res.statusCode = status;
      res.setHeader('Content-Type', type);
      res.end(body);
    };
    if (r === undefined)
      return send(
        404,
        'application/json',
        JSON.stringify({ error: { code: 'Base.1.0.ResourceMissingAtURI', message: path } }),
      );
    if (r.$status !== undefined)
      return send(
        r.$status,
        'application/json',
        JSON.stringify({ error: { code: 'Base.1.0.GeneralError', message: `HTTP ${r.$status}` } }),
      );
    if (r.$html !== undefined) return send(200, 'text/html; charset=utf-8', r.$html);
    if (r.$raw !== undefined) return send(200, 'application/json', r.$raw);
    send(200, 'application/json; charset=utf-8', JSON.stringify(r));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
