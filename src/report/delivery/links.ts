/**
 * @module Download links for delivered reports: `/api/v1/report-files/<file>?expires=…&sig=…`, signed with
 * HMAC-SHA256 by a secret the hub keeps beside its reports (created on first use, readable by the hub
 * only). A link opens one stored report until it expires, without a token: a group chat can open it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const LINK_PATH = '/api/v1/report-files/';
const SECRET_FILE = '.link-secret';

/** The signing secret of a reports folder (made on first use). */
export function linkSecret(dir: string): Buffer {
  const file = path.join(dir, SECRET_FILE);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

function sign(secret: Buffer, file: string, expires: number): string {
  return createHmac('sha256', secret).update(`${file}\n${expires}`).digest('base64url');
}

/** A link to `file` (relative to the reports folder) valid until `expiresMs`. */
export function signedLink(base: string, secret: Buffer, file: string, expiresMs: number): string {
  const expires = Math.floor(expiresMs / 1000);
  const rel = file.split(path.sep).map(encodeURIComponent).join('/');
  return `${base.replace(/\/+$/, '')}${LINK_PATH}${rel}?expires=${expires}&sig=${sign(secret, file.split(path.sep).join('/'), expires)}`;
}

/** Whether a presented link is genuine and not expired. */
export function checkLink(secret: Buffer, file: string, expires: string, sig: string, nowMs: number): boolean {
  const e = Number(expires);
  if (!/^\d{1,12}$/.test(expires) || e * 1000 < nowMs) return false;
  const want = Buffer.from(sign(secret, file, e));
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
}
