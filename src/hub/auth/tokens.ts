/**
 * @module Bearer tokens: random 32-byte secrets, shown once at creation, stored only as sha256 hashes.
 *
 * The token text is `dims_<base64url secret>`: the prefix makes a leaked token easy to grep for.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { StateDb, TokenRow } from '../state-db.ts';
import { parseScope, type Scope } from './scopes.ts';

export interface CreatedToken {
  id: string;
  name: string;
  scope: string;
  /** The secret: printed once, never stored. */
  token: string;
  /** When it stops working (ms), if it expires. */
  expiresAt?: number;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Creates a token; throws an Error naming the scope when it is not valid.
 * @param expiresAt when it stops working (ms); omitted: never.
 */
export function createToken(
  db: StateDb,
  scopeText: string,
  name?: string,
  nowMs = Date.now(),
  expiresAt?: number,
): CreatedToken {
  const parsed = parseScope(scopeText);
  if ('error' in parsed) throw new Error(`--scope: ${parsed.error}`);
  if (expiresAt !== undefined && !(expiresAt > nowMs)) throw new Error('--expires: must be in the future');
  const token = `dims_${randomBytes(32).toString('base64url')}`;
  const id = randomBytes(6).toString('hex');
  const label = name ?? scopeText;
  db.insertToken({
    id,
    name: label,
    scope: scopeText,
    hash: hashToken(token),
    created_at: nowMs,
    expires_at: expiresAt ?? null,
  });
  return { id, name: label, scope: scopeText, token, ...(expiresAt !== undefined ? { expiresAt } : {}) };
}

/**
 * Rotates a token: a new one with the same scope and name, while the old one keeps working for `graceMs`
 * (so an agent can switch to the new token without a failed push) and then expires.
 * Throws when no active token has this id.
 */
export function rotateToken(
  db: StateDb,
  id: string,
  graceMs: number,
  nowMs = Date.now(),
  expiresAt?: number,
): CreatedToken & { oldExpiresAt: number } {
  const old = db.tokenById(id);
  if (!old || old.revoked_at !== null || (old.expires_at !== null && old.expires_at <= nowMs))
    throw new Error(`no active token with id ${JSON.stringify(id)}`);
  return db.transaction(() => {
    const created = createToken(db, old.scope, old.name, nowMs, expiresAt);
    db.expireToken(id, nowMs + graceMs);
    return { ...created, oldExpiresAt: db.tokenById(id)!.expires_at! };
  });
}

export interface Principal {
  id: string;
  name: string;
  scope: Scope;
}

/** Looks a presented token up; undefined when unknown, revoked, expired at `nowMs`, or its stored scope no longer parses. */
export function authenticate(db: StateDb, token: string, nowMs = Date.now()): Principal | undefined {
  const row: TokenRow | undefined = db.tokenByHash(hashToken(token));
  if (!row || row.revoked_at !== null) return undefined;
  if (row.expires_at !== null && row.expires_at <= nowMs) return undefined;
  const scope = parseScope(row.scope);
  if ('error' in scope) return undefined;
  return { id: row.id, name: row.name, scope };
}
