/** @module Test helpers for this folder: a collector context, a self-signed certificate, a server for captured Redfish trees. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CollectorContext } from '../types.ts';

/** A context whose secrets come from a fixed table and whose log lines are kept for assertions. */
export function testContext(secrets: Record<string, string> = {}): CollectorContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    secret(ref: string): string {
      const v = secrets[ref];
      if (v === undefined) throw new Error(`no secret ${ref}`);
      return v;
    },
    log(level, message) {
      lines.push(`${level} ${message}`);
    },
  };
}

/** A throwaway self-signed certificate for 127.0.0.1 made with openssl; `cleanup` removes the files. */
export function selfSignedCert(): { key: Buffer; cert: Buffer; certFile: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'dims-cert-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  return { key: readFileSync(keyFile), cert: readFileSync(certFile), certFile, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fixture route: a JSON body, or `$status` (JSON error with that status), `$html` (200 text/html), `$raw` (200 application/json, text as is). */
export type FixtureRoute = Record<string, unknown> & { $status?: number; $html?: string; $raw?: string };

/** Serves a captured Redfish tree (`path → route`) on a free loopback port, Basic auth not checked. */
export async function startFixtureServer(routes: Record<string, FixtureRoute>): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const r = routes[path] ?? routes[path.endsWith('/') ? path.slice(0, -1) : `${path}/`];
    const send = (status: number, type: string, body: string): void => {
      res.statusCode = status;
      res.setHeader('Content-Type', type);
      res.end(body);
    };
    if (r === undefined) return send(404, 'application/json', JSON.stringify({ error: { code: 'Base.1.0.ResourceMissingAtURI', message: path } }));
    if (r.$status !== undefined) return send(r.$status, 'application/json', JSON.stringify({ error: { code: 'Base.1.0.GeneralError', message: `HTTP ${r.$status}` } }));
    if (r.$html !== undefined) return send(200, 'text/html; charset=utf-8', r.$html);
    if (r.$raw !== undefined) return send(200, 'application/json', r.$raw);
    send(200, 'application/json; charset=utf-8', JSON.stringify(r));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
