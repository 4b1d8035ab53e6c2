/** @module Test helpers for this folder: a collector context, a self-signed certificate, a fixture HTTP stub. */
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

/** Serves fixed bodies by path (`/name` → body + content type) on a free loopback port. */
export async function startStub(routes: Record<string, { body: string | Buffer; contentType: string; status?: number }>): Promise<{ url: (path: string) => string; close: () => Promise<void> }> {
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
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
