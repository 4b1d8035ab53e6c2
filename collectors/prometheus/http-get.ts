/** @module One HTTP(S) GET bounded by an AbortSignal and a size limit, with gzip, mapping failures to CollectError kinds. */
import http from 'node:http';
import https from 'node:https';
import { gunzip, gunzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { CollectError } from '../types.ts';

const gunzipAsync = promisify(gunzip);

/**
 * Compressed bodies up to this size are inflated synchronously: a scrape body is usually tens of KiB,
 * where the thread-pool round trip of async zlib costs more CPU than the inflating itself; larger ones
 * (≈ 10 ms of work and up) go to the thread pool so the event loop keeps serving other targets.
 */
const SYNC_GUNZIP_MAX = 256 * 1024;

/** A finished response with its (decompressed) body. */
export interface HttpResponse {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

/** What one GET needs; the agent is per target so keep-alive sockets and TLS settings stay per target. */
export interface HttpGetOptions {
  headers: Record<string, string>;
  agent: http.Agent | https.Agent;
  signal: AbortSignal;
  /** Largest accepted body, compressed or not; protects the agent from a runaway exporter. */
  maxBytes: number;
}

/** TLS verification failures as Node reports them (node:tls error codes). */
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ALTNAME/;

/**
 * GETs `url`. Aborting `signal` (the target's deadline) ends the request and the body at once.
 * @example await httpGet('http://127.0.0.1:9100/metrics', { headers: {}, agent, signal, maxBytes: 1e7 })
 */
export async function httpGet(url: string, opts: HttpGetOptions): Promise<HttpResponse> {
  const started = performance.now();
  const { signal } = opts;
  if (signal.aborted) throw abortError(url, started, signal);
  const mod = url.startsWith('https:') ? https : http;
  const raw = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    // One listener of our own rather than request's `signal` option, which wires the signal into the
    // request stream's machinery on every scrape.
    const onAbort = () => {
      req.destroy();
      reject(abortError(url, started, signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const req = mod.request({ ...requestTarget(url), method: 'GET', headers: opts.headers, agent: opts.agent }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.maxBytes) {
          req.destroy();
          reject(new CollectError('protocol', `GET ${url}: body larger than ${opts.maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (err) => reject(mapError(url, err, started, signal)));
    });
    req.on('error', (err) => reject(mapError(url, err, started, signal)));
    req.on('close', () => signal.removeEventListener('abort', onAbort));
    req.end();
  });
  let body = raw.body;
  if (/gzip/i.test(raw.headers['content-encoding'] ?? '')) {
    try {
      body = body.length <= SYNC_GUNZIP_MAX ? gunzipSync(body, { maxOutputLength: opts.maxBytes }) : await gunzipAsync(body, { maxOutputLength: opts.maxBytes });
    } catch (err) {
      throw new CollectError('parse', `GET ${url}: bad gzip body: ${(err as Error).message}`, { cause: err });
    }
  }
  return { status: raw.status, contentType: raw.headers['content-type'], body };
}

/** Host, port and path of each URL scraped, parsed once instead of on every request. */
const targets = new Map<string, http.RequestOptions>();

function requestTarget(url: string): http.RequestOptions {
  let t = targets.get(url);
  if (t === undefined) {
    const u = new URL(url);
    t = { protocol: u.protocol, hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path: `${u.pathname}${u.search}` };
    if (u.username !== '' || u.password !== '') t.auth = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
    targets.set(url, t);
  }
  return t;
}

function abortError(url: string, started: number, signal: AbortSignal): CollectError {
  const ms = Math.round(performance.now() - started);
  return new CollectError('timeout', `GET ${url}: deadline reached after ${ms} ms`, { cause: signal.reason });
}

function mapError(url: string, err: unknown, started: number, signal: AbortSignal): CollectError {
  if (err instanceof CollectError) return err;
  if (signal.aborted) return abortError(url, started, signal);
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? '';
  if (TLS_CODES.test(code)) {
    return new CollectError('connection', `GET ${url}: TLS certificate verification failed (${code}); set insecure_skip_verify or ca_file`, { cause: err });
  }
  return new CollectError('connection', `GET ${url}: ${code !== '' ? `${code} ` : ''}${e.message}`, { cause: err });
}
