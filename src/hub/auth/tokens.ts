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
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Creates a token; throws an Error naming the scope when it is not valid. */
export function createToken(db: StateDb, scopeText: string, name?: string, nowMs = Date.now()): CreatedToken {
  const parsed = parseScope(scopeText);
  if ('error' in parsed) throw new Error(`--scope: ${parsed.error}`);
  const token = `dims_${randomBytes(32).toString('base64url')}`;
  const id = randomBytes(6).toString('hex');
  const label = name ?? scopeText;
  db.insertToken({ id, name: label, scope: scopeText, hash: hashToken(token), created_at: nowMs });
  return { id, name: label, scope: scopeText, token };
}

export interface Principal {
  id: string;
  name: string;
  scope: Scope;
}

/** Looks a presented token up; undefined when unknown, revoked or its stored scope no longer parses. */
export function authenticate(db: StateDb, token: string): Principal | undefined {
  const row: TokenRow | undefined = db.tokenByHash(hashToken(token));
  if (!row || row.revoked_at !== null) return undefined;
  const scope = parseScope(row.scope);
  if ('error' in scope) return undefined;
  return { id: row.id, name: row.name, scope };
}
