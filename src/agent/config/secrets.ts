/** @module Secret references (`env:NAME`, `file:/path`) resolved on use; values never reach logs or errors. */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** A secret that cannot be resolved; the message names the reference, never a value. */
export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

/**
 * Resolves `ref`. `file:` paths are relative to `baseDir`; one trailing newline is dropped (files
 * written by `echo` end with one).
 */
export function resolveSecret(ref: string, baseDir = process.cwd()): string {
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const v = process.env[name];
    if (v === undefined || v === '') throw new SecretError(`environment variable ${name} is not set`);
    return v;
  }
  if (ref.startsWith('file:')) {
    const p = ref.slice(5);
    const path = isAbsolute(p) ? p : resolve(baseDir, p);
    let v: string;
    try {
      v = readFileSync(path, 'utf8');
    } catch (err) {
      throw new SecretError(`cannot read secret file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    v = v.replace(/\r?\n$/, '');
    if (v === '') throw new SecretError(`secret file ${path} is empty`);
    return v;
  }
  throw new SecretError('a secret must be a reference: env:NAME or file:/path');
}

/** Replaces every occurrence of the given secret values in `text` (defence in depth for log lines). */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}
