/** @module One HTTP(S) request bounded by an AbortSignal and a size limit, mapping failures to CollectError kinds. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { CollectError } from '../types.ts';

/** A finished response. */
export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One request. The dispatcher is an undici pool per target, so keep-alive sockets and TLS settings stay per
 * target; undici allocates about half of what node:http does per request (most of a BMC read's garbage).
 */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  dispatcher: Dispatcher;
  signal: AbortSignal;
  maxBytes: number;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ALTNAME/;

/**
 * A path sent as it is: no characters URL parsing would encode, no dot segments it would remove. Redfish links
 * are such paths; anything else goes through the URL parser.
 */
export const PLAIN_PATH = /^\/(?!.*\/\.\.?(?:\/|$|\?))[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*$/;

/** The path and query of `url` (whose origin is the dispatcher's), without a URL object when it is plain. */
function pathOf(url: string): string {
  const slash = url.indexOf('/', url.indexOf('://') + 3);
  const path = slash < 0 ? '/' : url.slice(slash);
  if (PLAIN_PATH.test(path)) return path;
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

/** Sends a request; aborting `signal` (the target's one deadline) ends it, body included. */
export async function httpRequest(r: HttpRequest): Promise<HttpResponse> {
  const started = performance.now();
  const what = `${r.method} ${r.url}`;
  if (r.signal.aborted) throw timeoutError(what, started, r.signal);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    const res = await r.dispatcher.request({
      path: pathOf(r.url),
      method: r.method,
      headers: r.headers,
      body: r.body ?? null,
      signal: r.signal,
    });
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > r.maxBytes) {
        res.body.destroy();
        throw new CollectError('protocol', `${what}: body larger than ${r.maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
    return {
      status: res.statusCode,
      headers: res.headers as IncomingHttpHeaders,
      body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
    };
  } catch (err) {
    throw mapError(what, err, started, r.signal);
  }
}

/** The deadline error, naming the request and how long it waited. */
export function timeoutError(what: string, started: number, signal: AbortSignal): CollectError {
  return new CollectError('timeout', `${what}: deadline reached after ${Math.round(performance.now() - started)} ms`, {
    cause: signal.reason,
  });
}

function mapError(what: string, err: unknown, started: number, signal: AbortSignal): CollectError {
  if (err instanceof CollectError) return err;
  if (signal.aborted) return timeoutError(what, started, signal);
  // undici wraps the socket's error (ECONNREFUSED, a TLS verification code) as the cause of its own.
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = TLS_CODES.test(e.cause?.code ?? '') ? e.cause!.code! : (e.code ?? e.cause?.code ?? '');
  if (TLS_CODES.test(code)) {
    return new CollectError(
      'connection',
      `${what}: TLS certificate verification failed (${code}); set insecure_skip_verify or ca_file`,
      { cause: err },
    );
  }
  return new CollectError('connection', `${what}: ${code !== '' ? `${code} ` : ''}${e.message}`, { cause: err });
}
