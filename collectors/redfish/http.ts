/** @module One HTTP(S) request bounded by an AbortSignal and a size limit, mapping failures to CollectError kinds. */
import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { CollectError } from '../types.ts';

/** A finished response. */
export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request; the agent is per target so keep-alive sockets and TLS settings stay per target. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  agent: http.Agent | https.Agent;
  signal: AbortSignal;
  maxBytes: number;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ALTNAME/;

/** Each BMC origin's request options (host, port, protocol, auth), parsed once rather than for every GET. */
const origins = new Map<string, http.RequestOptions>();

/**
 * A path node:http takes as it is: no characters URL parsing would encode, no dot segments it would remove.
 * Redfish links are such paths; anything else goes through the URL parser as before.
 */
export const PLAIN_PATH = /^\/(?!.*\/\.\.?(?:\/|$|\?))[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*$/;

/** Request options for `url` as node:http would derive them from it, its origin's parsed once. */
function requestTarget(url: string): http.RequestOptions {
  const slash = url.indexOf('/', url.indexOf('://') + 3);
  const origin = slash < 0 ? url : url.slice(0, slash);
  const path = slash < 0 ? '/' : url.slice(slash);
  let o = origins.get(origin);
  if (o === undefined) {
    const opts = urlToHttpOptions(new URL(origin)) as Record<string, unknown>;
    for (const k of ['path', 'pathname', 'search', 'hash', 'href']) delete opts[k];
    origins.set(origin, (o = opts as http.RequestOptions));
  }
  if (PLAIN_PATH.test(path)) return { ...o, path };
  const u = new URL(url);
  return { ...o, path: `${u.pathname}${u.search}` };
}

/** Sends a request; aborting `signal` (the target's one deadline) ends it, body included. */
export async function httpRequest(r: HttpRequest): Promise<HttpResponse> {
  const started = performance.now();
  const what = `${r.method} ${r.url}`;
  if (r.signal.aborted) throw timeoutError(what, started, r.signal);
  const mod = r.url.startsWith('https:') ? https : http;
  return new Promise<HttpResponse>((resolve, reject) => {
    const req = mod.request(
      { ...requestTarget(r.url), method: r.method, headers: r.headers, agent: r.agent, signal: r.signal },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > r.maxBytes) {
            req.destroy();
            reject(new CollectError('protocol', `${what}: body larger than ${r.maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', (err) => reject(mapError(what, err, started, r.signal)));
      },
    );
    req.on('error', (err) => reject(mapError(what, err, started, r.signal)));
    req.end(r.body);
  });
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
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? '';
  if (TLS_CODES.test(code)) {
    return new CollectError(
      'connection',
      `${what}: TLS certificate verification failed (${code}); set insecure_skip_verify or ca_file`,
      { cause: err },
    );
  }
  return new CollectError('connection', `${what}: ${code !== '' ? `${code} ` : ''}${e.message}`, { cause: err });
}
