/** @module Express middleware: bearer-token authentication, scope guards and the per-token rate limit. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { HubError } from '../errors.ts';
import type { StateDb } from '../state-db.ts';
import { authenticate, type Principal } from './tokens.ts';
import type { Scope } from './scopes.ts';

const TOUCH_EVERY_MS = 60_000;

/** The authenticated caller of this request (set by `requireToken`). */
export function principal(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new HubError('DIMS_ERR_UNAUTHENTICATED');
  return p;
}

/** Authenticates `Authorization: Bearer <token>`; 401 when absent, unknown or revoked. */
export function requireToken(db: StateDb): RequestHandler {
  const touched = new Map<string, number>();
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return next(new HubError('DIMS_ERR_UNAUTHENTICATED'));
    const p = authenticate(db, m[1] as string);
    if (!p) return next(new HubError('DIMS_ERR_UNAUTHENTICATED', 'the bearer token is unknown or revoked'));
    res.locals.principal = p;
    // last_used_at is informational; writing it once a minute keeps the state DB off the hot path.
    const now = Date.now();
    if ((touched.get(p.id) ?? 0) + TOUCH_EVERY_MS < now) {
      touched.set(p.id, now);
      db.touchToken(p.id, now);
    }
    next();
  };
}

/** 403 unless the caller's scope satisfies `allowed`. */
export function allow(allowed: (s: Scope) => boolean): RequestHandler {
  return (_req, res, next) => {
    if (!allowed(principal(res).scope)) return next(new HubError('DIMS_ERR_FORBIDDEN'));
    next();
  };
}

/** A fixed-window request limit per token (falls back to the client address before authentication). */
export function perTokenRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req, res) => (res.locals.principal as Principal | undefined)?.id ?? `ip:${req.ip ?? 'unknown'}`,
    handler: (_req, _res, next) => next(new HubError('DIMS_ERR_RATE_LIMITED')),
    validate: false,
  });
}
