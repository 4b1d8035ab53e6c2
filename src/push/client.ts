/**
 * @module The one push client: `POST {url}/api/v1/records` with a bearer token and optional gzip, used by the
 * agent's hub sink and by a provincial hub forwarding to the national hub.
 *
 * The answer decides each record's fate: accepted keys leave the queue; rejected ones (invalid, the
 * hub says why) go to the dead-letter table; everything else stays and is retried with backoff —
 * 401/403 (a token problem an operator must fix; records wait), 429, 5xx, network errors. A 400 or
 * 413 without per-record detail splits the batch until the offending record stands alone.
 *
 * The token is looked up for every request, so a token file replaced after `dims hub token rotate` is
 * used from the next push on. Over HTTPS the hub is verified against `caFile` (else the system's CAs),
 * and `certFile`/`keyFile` give the client certificate a hub asking for mTLS checks; the files are read
 * again when they change on disk (a renewed certificate needs no restart).
 */
import http from 'node:http';
import https from 'node:https';
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { PendingRecord } from './outbox.ts';
import { recordKey } from '../model/records.ts';
import type { SendOutcome, Sink } from './sender.ts';

export interface PushClientOptions {
  name: string;
  url: string;
  /** The token (never logged), or how to get it now (a secret reference resolved per request). */
  token: string | (() => string);
  gzip: boolean;
  batch: number;
  timeoutMs: number;
  /** PEM file of the CA(s) the hub's certificate must chain to (default: the system's). */
  caFile?: string;
  /** PEM files of this client's certificate and key, for a hub that asks for client certificates. */
  certFile?: string;
  keyFile?: string;
  insecureSkipVerify?: boolean;
}

/** The TLS files' modification times: a change makes a new https.Agent read them again. */
function filesStamp(files: Array<string | undefined>): string {
  return files
    .map((f) => {
      if (f === undefined) return '';
      try {
        const st = statSync(f);
        return `${st.mtimeMs}:${st.size}`;
      } catch {
        return 'missing';
      }
    })
    .join('|');
}

interface HubAnswer {
  accepted?: unknown;
  /** The short answer (we send `Prefer: return=minimal`): every record not rejected was accepted. */
  accepted_count?: unknown;
  rejected?: Array<{ index?: number; key?: string; errors?: unknown }>;
  error?: { code?: string; message?: string; details?: { rejected?: HubAnswer['rejected'] } };
  details?: { rejected?: HubAnswer['rejected'] };
}

export class PushClient implements Sink {
  readonly name: string;
  readonly batch: number;
  private readonly opts: PushClientOptions;
  private agent: http.Agent | https.Agent;
  private stamp = '';
  private readonly endpoint: URL;

  constructor(opts: PushClientOptions) {
    this.opts = opts;
    this.name = opts.name;
    this.batch = opts.batch;
    this.endpoint = new URL(`${opts.url}/api/v1/records`);
    this.agent = this.endpoint.protocol === 'https:' ? this.tlsAgent() : new http.Agent({ keepAlive: true });
  }

  private tlsFiles(): Array<string | undefined> {
    return [this.opts.caFile, this.opts.certFile, this.opts.keyFile];
  }

  /** An https.Agent over the TLS files as they are now (read errors surface at the next request). */
  private tlsAgent(): https.Agent {
    this.stamp = filesStamp(this.tlsFiles());
    const { caFile, certFile, keyFile } = this.opts;
    return new https.Agent({
      keepAlive: true,
      ...(caFile ? { ca: readFileSync(caFile) } : {}),
      ...(certFile ? { cert: readFileSync(certFile) } : {}),
      ...(keyFile ? { key: readFileSync(keyFile) } : {}),
      rejectUnauthorized: !this.opts.insecureSkipVerify,
    });
  }

  /** The agent for the next request: rebuilt when a TLS file changed on disk. */
  private currentAgent(): http.Agent | https.Agent {
    if (this.endpoint.protocol !== 'https:' || filesStamp(this.tlsFiles()) === this.stamp) return this.agent;
    const next = this.tlsAgent();
    this.agent.destroy();
    this.agent = next;
    return next;
  }

  async send(batch: PendingRecord[], signal: AbortSignal): Promise<SendOutcome> {
    const json = Buffer.from(JSON.stringify({ records: batch.map((p) => p.record) }));
    const body = this.opts.gzip ? gzipSync(json) : json;
    let status: number;
    let text: string;
    try {
      const token = typeof this.opts.token === 'function' ? this.opts.token() : this.opts.token;
      ({ status, text } = await this.post(body, token, signal));
    } catch (err) {
      return { accepted: [], rejected: [], retry: { reason: `hub unreachable: ${(err as Error).message}` } };
    }
    let answer: HubAnswer = {};
    try {
      answer = JSON.parse(text) as HubAnswer;
    } catch {
      /* non-JSON answers are judged by status alone */
    }
    if (status >= 200 && status < 300) return this.judge(batch, answer, status);
    const rejectedList = answer.rejected ?? answer.details?.rejected ?? answer.error?.details?.rejected;
    if ((status === 400 || status === 422) && Array.isArray(rejectedList) && rejectedList.length > 0)
      return this.judge(batch, { accepted: [], rejected: rejectedList }, status);
    if (status === 400 || status === 413 || status === 422) {
      if (batch.length > 1)
        return {
          accepted: [],
          rejected: [],
          split: true,
          retry: { reason: `hub answered ${status}; retrying in smaller batches`, status },
        };
      return { accepted: [], rejected: [{ seq: batch[0]!.seq, errors: answer.error ?? answer ?? text.slice(0, 500) }] };
    }
    const why =
      status === 401 || status === 403
        ? 'the hub refused the token (check the sink token and the center id)'
        : `hub answered ${status}`;
    return {
      accepted: [],
      rejected: [],
      retry: { reason: `${why}${answer.error?.message ? `: ${answer.error.message}` : ''}`, status },
    };
  }

  private judge(batch: PendingRecord[], answer: HubAnswer, status: number): SendOutcome {
    const byKey = new Map(batch.map((p) => [p.key, p.seq]));
    const accepted: number[] = [];
    const rejected: SendOutcome['rejected'] = [];
    if (!Array.isArray(answer.accepted) && answer.rejected === undefined) {
      // A 2xx without the documented body still means the hub stored the batch.
      return { accepted: batch.map((p) => p.seq), rejected: [] };
    }
    if (typeof answer.accepted_count === 'number' && !Array.isArray(answer.accepted)) {
      // Rejections name their index in the batch; everything else was stored.
      const out = new Set<number>();
      for (const r of answer.rejected ?? []) {
        const p = typeof r.index === 'number' ? batch[r.index] : undefined;
        if (p && !out.has(p.seq)) {
          out.add(p.seq);
          rejected.push({ seq: p.seq, errors: r.errors ?? r });
        }
      }
      const acceptedSeqs = batch.filter((p) => !out.has(p.seq)).map((p) => p.seq);
      if (acceptedSeqs.length !== answer.accepted_count)
        return {
          accepted: [],
          rejected: [],
          retry: {
            reason: `hub answered ${status} with accepted_count ${answer.accepted_count} for ${acceptedSeqs.length} records it did not reject`,
            status,
          },
        };
      return { accepted: acceptedSeqs, rejected };
    }
    for (const k of (answer.accepted as unknown[]) ?? []) {
      const seq = typeof k === 'string' ? (byKey.get(k) ?? byKey.get(canonical(k))) : undefined;
      if (seq !== undefined) accepted.push(seq);
    }
    for (const r of answer.rejected ?? []) {
      const seq =
        typeof r.index === 'number' && batch[r.index]
          ? batch[r.index]!.seq
          : r.key !== undefined
            ? byKey.get(r.key)
            : undefined;
      if (seq !== undefined && !accepted.includes(seq)) rejected.push({ seq, errors: r.errors ?? r });
    }
    const decided = accepted.length + rejected.length;
    if (decided < batch.length)
      return {
        accepted,
        rejected,
        retry: { reason: `hub answered ${status} but decided ${decided} of ${batch.length} records`, status },
      };
    return { accepted, rejected };
  }

  private post(body: Buffer, token: string, signal: AbortSignal): Promise<{ status: number; text: string }> {
    const mod = this.endpoint.protocol === 'https:' ? https : http;
    const agent = this.currentAgent();
    return new Promise((resolve, reject) => {
      const req = mod.request(
        this.endpoint,
        {
          method: 'POST',
          agent,
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.opts.timeoutMs)]),
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': body.length,
            ...(this.opts.gzip ? { 'content-encoding': 'gzip' } : {}),
            accept: 'application/json',
            // Only rejections need detail: the hub answers a count instead of echoing every key.
            prefer: 'return=minimal',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}

function canonical(key: string): string {
  const i = key.indexOf('/');
  if (i < 0) return key;
  const ms = Date.parse(key.slice(i + 1));
  return Number.isFinite(ms) ? recordKey({ center: key.slice(0, i), startMs: ms }) : key;
}
