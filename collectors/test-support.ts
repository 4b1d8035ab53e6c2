/** @module Test support shared by the collector folders: a recording CollectorContext and a throwaway TLS certificate. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CollectorContext } from './types.ts';

export interface TestContext extends CollectorContext {
  /** Log lines as `level message`. */
  lines: string[];
  /** Log entries with their fields. */
  logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
}

/** A context whose secrets come from a fixed table and whose log lines are kept for assertions. */
export function testContext(secrets: Record<string, string> = {}): TestContext {
  const lines: string[] = [];
  const logs: TestContext['logs'] = [];
  return {
    lines,
    logs,
    secret(ref: string): string {
      const v = secrets[ref];
      if (v === undefined) throw new Error(`no secret ${ref}`);
      return v;
    },
    log(level, message, fields) {
      lines.push(`${level} ${message}`);
      logs.push({ level, message, fields });
    },
  };
}

/** A throwaway self-signed certificate for 127.0.0.1 made with openssl; `cleanup` removes the files. */
export function selfSignedCert(): { key: Buffer; cert: Buffer; certFile: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'dims-cert-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-days',
      '1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(keyFile),
    cert: readFileSync(certFile),
    certFile,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
