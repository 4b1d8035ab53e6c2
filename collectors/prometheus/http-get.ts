/** @module One HTTP(S) GET bounded by an AbortSignal and a size limit, with gzip, mapping failures to CollectError kinds. */
import { gunzip, gunzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
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

/**
 * What one GET needs. The client is undici's, one per target, so the keep-alive socket and TLS settings
 * stay per target; undici costs about half the CPU per request of node:http, most of a scrape's cost.
 */
export interface HttpGetOptions {
  headers: Record<string, string>;
  client: Dispatcher;
  signal: AbortSignal;
  /** Largest accepted body, compressed or not; protects the agent from a runaway exporter. */
  maxBytes: number;
}

/** TLS verification failures as Node reports them (node:tls error codes). */
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ALTNAME/;

/**
 * GETs `url` (its origin is the client's). Aborting `signal` (the target's deadline) ends the request and
 * the body at once.
 * @example await httpGet('http://127.0.0.1:9100/metrics', { headers: {}, client: new Client('http://127.0.0.1:9100'), signal, maxBytes: 1e7 })
 */
export async function httpGet(url: string, opts: HttpGetOptions): Promise<HttpResponse> {
  const started = performance.now();
  const { signal } = opts;
  if (signal.aborted) throw abortError(url, started, signal);
  const t = requestTarget(url);
  const headers =
    t.authorization !== undefined && opts.headers.Authorization === undefined
      ? { ...opts.headers, Authorization: t.authorization }
      : opts.headers;
  let res: RawResponse;
  try {
    res = await dispatchGet(opts.client, t.path, headers, signal, opts.maxBytes, url);
  } catch (err) {
    throw mapError(url, err, started, signal);
  }
  const { status, chunks } = res;
  const contentType = first(res.headers['content-type']);
  const encoding = first(res.headers['content-encoding']);
  let body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  if (encoding !== undefined && /gzip/i.test(encoding)) {
    try {
      body =
        body.length <= SYNC_GUNZIP_MAX
          ? gunzipSync(body, { maxOutputLength: opts.maxBytes })
          : await gunzipAsync(body, { maxOutputLength: opts.maxBytes });
    } catch (err) {
      throw new CollectError('parse', `GET ${url}: bad gzip body: ${(err as Error).message}`, { cause: err });
    }
  }
  return { status, contentType, body };
}

/** Status, headers and body chunks of a finished response. */
interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  chunks: Buffer[];
}

/**
 * One GET through undici's dispatch interface, the body gathered into chunks. `request()` wraps every
 * response in a Readable stream read through an async iterator, with a promise and a tick per chunk:
 * a tenth of an exporter scrape's CPU for a body that is only collected whole.
 */
function dispatchGet(
  client: Dispatcher,
  path: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  maxBytes: number,
  url: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    const res: RawResponse = { status: 0, headers: {}, chunks: [] };
    let size = 0;
    const settle = (err: unknown): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (err === undefined) resolve(res);
      else reject(err);
    };
    // The deadline ends the request wherever it is; one still waiting for its socket is ended when it gets it.
    const onAbort = (): void => {
      controller?.abort(signal.reason as Error);
      settle(signal.reason);
    };
    signal.addEventListener('abort', onAbort);
    client.dispatch(
      { path, method: 'GET', headers },
      {
        onRequestStart(c) {
          controller = c;
          if (signal.aborted) c.abort(signal.reason as Error);
        },
        onResponseStart(_c, statusCode, responseHeaders) {
          res.status = statusCode;
          res.headers = responseHeaders;
        },
        onResponseData(c, chunk) {
          size += chunk.length;
          if (size > maxBytes) {
            const err = new CollectError('protocol', `GET ${url}: body larger than ${maxBytes} bytes`);
            c.abort(err);
            settle(err);
            return;
          }
          res.chunks.push(chunk);
        },
        onResponseEnd() {
          settle(undefined);
        },
        onResponseError(_c, err) {
          settle(err);
        },
      },
    );
  });
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Path and credentials of each URL scraped, parsed once instead of on every request. */
const targets = new Map<string, { path: string; authorization?: string }>();

function requestTarget(url: string): { path: string; authorization?: string } {
  let t = targets.get(url);
  if (t === undefined) {
    const u = new URL(url);
    t = { path: `${u.pathname}${u.search}` };
    if (u.username !== '' || u.password !== '')
      t.authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
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
  // undici wraps the socket's error (ECONNREFUSED, a TLS verification code) as the cause of its own.
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = TLS_CODES.test(e.cause?.code ?? '') ? e.cause!.code! : (e.code ?? '');
  if (TLS_CODES.test(code)) {
    return new CollectError(
      'connection',
      `GET ${url}: TLS certificate verification failed (${code}); set insecure_skip_verify or ca_file`,
      { cause: err },
    );
  }
  return new CollectError('connection', `GET ${url}: ${code !== '' ? `${code} ` : ''}${e.message}`, { cause: err });
}
