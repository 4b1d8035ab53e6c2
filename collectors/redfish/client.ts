/** @module A Redfish client for one BMC: JSON GETs with content-type checks, Basic or Session auth, bounded concurrency. */
import http from 'node:http';
import https from 'node:https';
import { CollectError } from '../types.ts';
import { httpRequest, PLAIN_PATH, timeoutError } from './http.ts';
import type { HttpResponse } from './http.ts';
import { Limiter } from './limiter.ts';

/** A JSON object as Redfish returns it. */
export type Json = Record<string, unknown>;

/** How the client authenticates. */
export interface ClientOptions {
  /** Base URL; the service root is `<base>/redfish/v1/`. */
  baseUrl: string;
  auth: 'basic' | 'session' | 'none';
  /** Returns the credentials when needed (secrets are resolved late so rotation works). */
  credentials: () => { username: string; password: string };
  insecureSkipVerify: boolean;
  ca?: Buffer;
  maxConcurrency: number;
  maxBodyBytes: number;
}

/** The BMC's answer to a GET that the caller may tolerate (e.g. an extra chassis answering 404). */
export class HttpStatusError extends CollectError {
  readonly status: number;
  constructor(status: number, message: string) {
    super('http_status', message);
    this.status = status;
  }
}

/**
 * One BMC's client. Create once per target; `close()` deletes the session and drops sockets.
 * @example const root = await client.get('/redfish/v1/', signal);
 */
export class RedfishClient {
  readonly serviceRoot: string;
  readonly #opts: ClientOptions;
  readonly #limiter: Limiter;
  #agent: http.Agent | https.Agent | undefined;
  /** The open (or opening) session; a promise so parallel requests share one login. */
  #session: Promise<{ token: string; location: string }> | undefined;
  #sessionsUrl: string | undefined;
  readonly #origin: string;
  #basic: { user: string; pass: string; header: Record<string, string> } | undefined;

  constructor(opts: ClientOptions) {
    this.#opts = opts;
    this.#limiter = new Limiter(opts.maxConcurrency);
    this.serviceRoot = new URL('redfish/v1/', opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`).href;
    this.#origin = new URL(this.serviceRoot).origin;
  }

  /** Resolves an `@odata.id` (absolute path) against the BMC's origin. */
  resolve(link: string): string {
    // Most links are plain absolute paths: joined to the origin without building a URL for every request.
    if (PLAIN_PATH.test(link) && !link.startsWith('//')) return `${this.#origin}${link}`;
    return new URL(link, this.serviceRoot).href;
  }

  /** Remembers where sessions are created (ServiceRoot.Links.Sessions). */
  setSessionsLink(link: string | undefined): void {
    if (link !== undefined) this.#sessionsUrl = this.resolve(link);
  }

  /** GETs a resource and returns its JSON object; every failure names the URL. */
  async get(link: string, signal: AbortSignal, authenticated = true): Promise<Json> {
    const url = this.resolve(link);
    const used = this.#session;
    let res = await this.#send('GET', url, signal, authenticated);
    if (res.status === 401 && authenticated && this.#opts.auth === 'session') {
      // The BMC dropped our session (timeout, reset, someone logged out all users): log in again once.
      // Parallel requests failing together must share one new login, so only the first drops the old one.
      if (this.#session === used || used === undefined) this.#session = undefined;
      res = await this.#send('GET', url, signal, authenticated);
    }
    return this.#json(url, res);
  }

  async #send(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    signal: AbortSignal,
    authenticated: boolean,
    body?: string,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      // iLO 4 answers nothing useful without it (telegraf#8093); the Redfish spec asks clients to send it.
      'OData-Version': '4.0',
      'User-Agent': 'dims-collector',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (authenticated) Object.assign(headers, await this.#authHeaders(signal));
    const queued = performance.now();
    try {
      return await this.#limiter.run(
        () =>
          httpRequest({
            method,
            url,
            headers,
            body,
            agent: this.#getAgent(),
            signal,
            maxBytes: this.#opts.maxBodyBytes,
          }),
        signal,
      );
    } catch (err) {
      // The deadline can strike while the request still waits for a free slot.
      if (!(err instanceof CollectError) && signal.aborted) throw timeoutError(`${method} ${url}`, queued, signal);
      throw err;
    }
  }

  async #authHeaders(signal: AbortSignal): Promise<Record<string, string>> {
    if (this.#opts.auth === 'none') return {};
    if (this.#opts.auth === 'basic') {
      const c = this.#opts.credentials();
      // Encoded again only when the (late-resolved, rotatable) credentials change, not for every request.
      if (this.#basic?.user !== c.username || this.#basic.pass !== c.password)
        this.#basic = {
          user: c.username,
          pass: c.password,
          header: { Authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` },
        };
      return this.#basic.header;
    }
    if (this.#session === undefined) {
      const p = this.#login(signal);
      this.#session = p;
      // A failed login must not stick: the next request tries again.
      p.catch(() => {
        if (this.#session === p) this.#session = undefined;
      });
    }
    return { 'X-Auth-Token': (await this.#session).token };
  }

  /** POST SessionService/Sessions (DSP0266 §Session management): token in X-Auth-Token, session URI in Location. */
  async #login(signal: AbortSignal): Promise<{ token: string; location: string }> {
    const url = this.#sessionsUrl ?? new URL('SessionService/Sessions', this.serviceRoot).href;
    const c = this.#opts.credentials();
    const res = await this.#send(
      'POST',
      url,
      signal,
      false,
      JSON.stringify({ UserName: c.username, Password: c.password }),
    );
    if (res.status === 401 || res.status === 403)
      throw new CollectError('auth', `POST ${url}: session refused (HTTP ${res.status})`);
    if (res.status < 200 || res.status > 299) throw new HttpStatusError(res.status, `POST ${url}: HTTP ${res.status}`);
    const token = header(res, 'x-auth-token');
    if (token === undefined) throw new CollectError('protocol', `POST ${url}: no X-Auth-Token in the session answer`);
    let location = header(res, 'location');
    if (location === undefined) {
      // Some BMCs omit Location; the body's @odata.id names the session too.
      try {
        location = String((JSON.parse(res.body.toString('utf8')) as Json)['@odata.id'] ?? '');
      } catch {
        location = '';
      }
    }
    return { token, location: location === '' ? '' : this.resolve(location) };
  }

  async #json(url: string, res: HttpResponse): Promise<Json> {
    if (res.status === 401 || res.status === 403) throw new CollectError('auth', `GET ${url}: HTTP ${res.status}`);
    if (res.status < 200 || res.status > 299) throw new HttpStatusError(res.status, `GET ${url}: HTTP ${res.status}`);
    const ct = header(res, 'content-type') ?? '';
    // New Supermicro firmware answers HTML for retired resources (telegraf#18250): check before parsing.
    if (!/^application\/([a-z.+-]*\+)?json\b/i.test(ct)) {
      throw new CollectError('content_type', `GET ${url}: expected JSON, got Content-Type "${ct}"`);
    }
    let data: unknown;
    try {
      data = JSON.parse(res.body.toString('utf8'));
    } catch (err) {
      throw new CollectError('parse', `GET ${url}: invalid JSON: ${(err as Error).message}`, { cause: err });
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      throw new CollectError('parse', `GET ${url}: JSON is not an object`);
    return data as Json;
  }

  #getAgent(): http.Agent | https.Agent {
    if (this.#agent !== undefined) return this.#agent;
    const common = { keepAlive: true, maxSockets: this.#opts.maxConcurrency, timeout: IDLE_SOCKET_MS };
    this.#agent = this.serviceRoot.startsWith('https:')
      ? new https.Agent({ ...common, rejectUnauthorized: !this.#opts.insecureSkipVerify, ca: this.#opts.ca })
      : new http.Agent(common);
    return this.#agent;
  }

  /** Whether a session is open (for tests and logs). */
  get hasSession(): boolean {
    return this.#session !== undefined;
  }

  /** Deletes the session (BMCs allow few concurrent sessions) and closes sockets. */
  async close(signal: AbortSignal): Promise<void> {
    const pending = this.#session;
    this.#session = undefined;
    try {
      const s = pending === undefined ? undefined : await pending.catch(() => undefined);
      if (s !== undefined && s.location !== '') {
        const res = await this.#limiter.run(
          () =>
            httpRequest({
              method: 'DELETE',
              url: s.location,
              headers: { 'X-Auth-Token': s.token, 'OData-Version': '4.0' },
              agent: this.#getAgent(),
              signal,
              maxBytes: 65536,
            }),
          signal,
        );
        if (res.status >= 300 && res.status !== 404)
          throw new HttpStatusError(res.status, `DELETE ${s.location}: HTTP ${res.status}`);
      }
    } finally {
      this.#agent?.destroy();
      this.#agent = undefined;
    }
  }
}

/**
 * How long a BMC connection is kept open with no request on it (ms). A read's requests follow one another
 * within milliseconds and share the connection; between reads (a scrape interval apart) a kept connection is
 * mostly one the BMC's web server has already closed (Apache's and lighttpd's idle default is 5 s), and held
 * idle it costs the agent memory: 3,125 BMCs' idle connections were about 15 MiB of its resident set. Node
 * closes a free socket when this timeout fires; a request in progress is bounded by the read's deadline.
 */
export const IDLE_SOCKET_MS = 4000;

function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
