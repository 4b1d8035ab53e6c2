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

/**
 * Failed authentications per source address in fixed one-minute windows. An address over the limit is
 * answered 429 before its token is even looked at, so guessing tokens costs a minute per `limit` tries.
 */
export class AuthFailures {
  private readonly limit: number;
  private readonly now: () => number;
  private windowStart = 0;
  private readonly failures = new Map<string, number>();
  /** Called once per address and window when it goes over the limit (logs, metrics). */
  onThrottle: (address: string) => void = () => {};

  constructor(limit: number, now: () => number = Date.now) {
    this.limit = limit;
    this.now = now;
  }

  private roll(): void {
    const t = this.now();
    if (t - this.windowStart >= 60_000) {
      this.windowStart = t - (t % 60_000);
      this.failures.clear();
    }
  }

  /** Seconds until the address may try again, or 0 when it may now. */
  blockedFor(address: string): number {
    this.roll();
    if ((this.failures.get(address) ?? 0) < this.limit) return 0;
    return Math.max(1, Math.ceil((this.windowStart + 60_000 - this.now()) / 1000));
  }

  fail(address: string): void {
    this.roll();
    const n = (this.failures.get(address) ?? 0) + 1;
    this.failures.set(address, n);
    if (n === this.limit) this.onThrottle(address);
  }
}

/** Refuses (429) a source address with too many failed authentications this minute. */
export function throttleAuthFailures(failures: AuthFailures): RequestHandler {
  return (req, res, next) => {
    const wait = failures.blockedFor(req.ip ?? 'unknown');
    if (wait === 0) return next();
    res.set('Retry-After', String(wait));
    next(
      new HubError('DIMS_ERR_RATE_LIMITED', `too many failed authentications from this address; retry in ${wait} s`, {
        reason: 'auth_failures',
        retry_after_s: wait,
      }),
    );
  };
}

/** Authenticates `Authorization: Bearer <token>`; 401 when absent, unknown, revoked or expired (counted in `failures`). */
export function requireToken(db: StateDb, failures?: AuthFailures, now: () => number = Date.now): RequestHandler {
  const touched = new Map<string, number>();
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) {
      // A request without credentials is not a guess; one with a malformed header is.
      if (header !== '') failures?.fail(req.ip ?? 'unknown');
      return next(new HubError('DIMS_ERR_UNAUTHENTICATED'));
    }
    const p = authenticate(db, m[1] as string, now());
    if (!p) {
      failures?.fail(req.ip ?? 'unknown');
      return next(new HubError('DIMS_ERR_UNAUTHENTICATED', 'the bearer token is unknown, revoked or expired'));
    }
    res.locals.principal = p;
    // last_used_at is informational; writing it once a minute keeps the state DB off the hot path.
    const t = now();
    if ((touched.get(p.id) ?? 0) + TOUCH_EVERY_MS < t) {
      touched.set(p.id, t);
      try {
        db.touchToken(p.id, t);
      } catch {
        // A full disk must not turn every request into a 500 for want of a last-used time.
      }
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
