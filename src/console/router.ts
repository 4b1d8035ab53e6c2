/**
 * @module consoleRouter(): serves the web console (src/console/web) from the hub with no bundler and no
 * CDN. Browser modules are written in TypeScript and turned into JavaScript on first request with Node's
 * own type stripping, then cached; the few shared modules the console reuses from the rest of dims
 * (target semantics) are served from an allow-list so the browser and the reports judge targets alike.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripTypeScriptTypes } from 'node:module';
import { Router, type Request, type Response } from 'express';

const WEB_DIR = fileURLToPath(new URL('./web/', import.meta.url));
const SRC_DIR = fileURLToPath(new URL('../', import.meta.url));

/**
 * Modules outside web/ the browser may load, by path under src/. They must only `import type` from
 * elsewhere, since type-only imports vanish when types are stripped.
 */
export const SHARED_MODULES: readonly string[] = ['catalog/targets.ts'];

const TYPES: Record<string, string> = {
  '.ts': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
};

// Same-origin only: the console talks to the hub that serves it, and loads nothing from elsewhere.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export interface ConsoleOptions {
  /** URL path the console lives under (default /console). `GET /` redirects there when `redirectRoot`. */
  path?: string;
  /** Redirect `GET /` to the console (default true). */
  redirectRoot?: boolean;
  /** Directory of the browser sources (tests); default src/console/web. */
  webDir?: string;
}

interface Served {
  mtimeMs: number;
  body: string | Buffer;
  type: string;
}

/**
 * Node's type stripping, without the one "stripTypeScriptTypes is an experimental feature" warning Node prints to
 * the hub's terminal at the first console page: serving stripped modules is this router's design, not something for
 * whoever runs the hub to act on. Every other warning still goes out.
 */
function stripTypes(source: string): string {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('stripTypeScriptTypes')) return;
    (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return stripTypeScriptTypes(source, { mode: 'strip' });
  } finally {
    process.emitWarning = emit;
  }
}

/** Strips types and points imports of shared modules at the URLs they are served under. */
export function toBrowserModule(source: string, file: string, base: string, webDir = WEB_DIR): string {
  const js = stripTypes(source);
  return js.replace(
    /(\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\2/g,
    (whole, lead: string, q: string, spec: string) => {
      const target = path.resolve(path.dirname(file), spec);
      if (isInside(target, webDir)) return whole;
      const rel = path.relative(SRC_DIR, target).split(path.sep).join('/');
      if (!SHARED_MODULES.includes(rel))
        throw new Error(
          `${file}: import ${spec} leaves the console and is not a shared module (${SHARED_MODULES.join(', ')})`,
        );
      return `${lead}${q}${base}/_shared/${rel}${q}`;
    },
  );
}

function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The express router that serves the console. Mount it before the hub's not-found handler. */
export function consoleRouter(opts: ConsoleOptions = {}): Router {
  const base = (opts.path ?? '/console').replace(/\/+$/, '');
  const webDir = opts.webDir ? path.resolve(opts.webDir) + path.sep : WEB_DIR;
  const cache = new Map<string, Served>();
  // Strict routing: /console and /console/ differ (the first redirects to the second, so relative URLs resolve).
  const router = Router({ strict: true });

  const load = (file: string): Served | undefined => {
    let st;
    try {
      st = statSync(file);
    } catch {
      return undefined;
    }
    if (!st.isFile()) return undefined;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs) return hit;
    const ext = path.extname(file);
    const type = TYPES[ext];
    if (!type) return undefined;
    const raw = readFileSync(file);
    const body =
      ext === '.ts'
        ? toBrowserModule(raw.toString('utf8'), file, base, webDir)
        : ext === '.svg' || ext === '.ico'
          ? raw
          : raw.toString('utf8');
    const served = { mtimeMs: st.mtimeMs, body, type };
    cache.set(file, served);
    return served;
  };

  const send = (res: Response, s: Served) => {
    res.set('Content-Type', s.type);
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Content-Security-Policy', CSP);
    res.set('Referrer-Policy', 'no-referrer');
    // Revalidate every time (express adds an ETag): a hub upgrade must never leave an old module mixed with new ones.
    res.set('Cache-Control', 'no-cache');
    res.send(s.body);
  };

  if (opts.redirectRoot ?? true) router.get('/', (_req, res) => res.redirect(302, `${base}/`));
  router.get(base, (_req, res) => res.redirect(301, `${base}/`));

  router.get(`${base}/_shared/*rest`, (req: Request, res: Response, next) => {
    const rel = (req.params as { rest: string[] }).rest.join('/');
    if (!SHARED_MODULES.includes(rel)) return next();
    const s = load(path.join(SRC_DIR, rel));
    return s ? send(res, s) : next();
  });

  router.get(`${base}/{*rest}`, (req: Request, res: Response, next) => {
    const parts = (req.params as { rest?: string[] }).rest ?? [];
    // Express has already decoded the segments; refuse anything that could climb out of web/.
    if (parts.some((p) => p === '..' || p === '.' || p.includes('/') || p.includes('\\') || p.includes('\0')))
      return next();
    const rel = parts.length === 0 ? 'index.html' : parts.join('/');
    const file = path.join(webDir, rel);
    if (!isInside(file, webDir)) return next();
    const s = load(file);
    return s ? send(res, s) : next();
  });

  return router;
}
