/** @module The prometheus target collector: scrape one exporter with content negotiation, parse, map through profiles. */
import { readFileSync } from 'node:fs';
import { Client } from 'undici';
import { CollectError } from '../types.ts';
import type { CollectReport, CollectorContext, Sample, TargetCollector } from '../types.ts';
import { httpGet } from './http-get.ts';
import { mapExposition } from './map.ts';
import { ExpositionError, formatFromContentType, parseExposition } from './parse.ts';
import type { Profile } from './profile.ts';

/** One target's options, as `config.schema.json` describes them. */
export interface PrometheusConfig {
  url: string;
  /** Profile names (the config schema's enum), or auto (default): every profile, applied where its metrics appear. */
  profiles?: string[] | 'auto';
  basic_auth?: { username: string; password: string };
  bearer_token?: string;
  insecure_skip_verify?: boolean;
  ca_file?: string;
  honor_timestamps?: boolean;
  compression?: 'gzip' | 'none';
  max_body_bytes?: number;
}

/** OpenMetrics first, 0.0.4 text as fallback (prometheus.io exposition formats, content negotiation). */
export const ACCEPT = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5';

const DEFAULT_MAX_BODY = 16 * 1024 * 1024;

/** Builds the collector for a validated config; opens no sockets until the first collect. */
export function createPrometheusCollector(
  config: PrometheusConfig,
  profiles: Profile[],
  ctx: CollectorContext,
): TargetCollector {
  // Only the metrics the profiles map are parsed into objects; the rest of the body is only checked.
  const wanted = new Set(
    profiles.flatMap((p) =>
      p.rules.flatMap((r) => [
        ...(typeof r.metric === 'string' ? [r.metric] : r.metric),
        ...(r.join ? [r.join.metric] : []),
      ]),
    ),
  );
  const isHttps = config.url.startsWith('https:');
  // One connection per target, kept alive between scrapes as Prometheus keeps it (idle up to 5 minutes):
  // undici's own default closes a socket after 4 s idle, so every scrape at a longer interval reconnected.
  // An exporter that announces a shorter Keep-Alive timeout still has it respected.
  const keepAlive = { keepAliveTimeout: 300_000, keepAliveMaxTimeout: 300_000 };
  let client: Client | undefined;
  const getClient = (): Client => {
    if (client !== undefined) return client;
    const origin = new URL(config.url).origin;
    if (!isHttps) return (client = new Client(origin, { pipelining: 1, ...keepAlive }));
    let ca: Buffer | undefined;
    if (config.ca_file !== undefined) {
      try {
        ca = readFileSync(config.ca_file);
      } catch (err) {
        throw new CollectError('config', `ca_file ${config.ca_file}: ${(err as Error).message}`, { cause: err });
      }
    }
    return (client = new Client(origin, {
      pipelining: 1,
      ...keepAlive,
      connect: { rejectUnauthorized: config.insecure_skip_verify !== true, ...(ca !== undefined ? { ca } : {}) },
    }));
  };

  const headers = (): Record<string, string> => {
    const h: Record<string, string> = { Accept: ACCEPT, 'User-Agent': 'dims-collector' };
    if (config.compression !== 'none') h['Accept-Encoding'] = 'gzip';
    if (config.basic_auth !== undefined) {
      const pass = ctx.secret(config.basic_auth.password);
      h['Authorization'] = `Basic ${Buffer.from(`${config.basic_auth.username}:${pass}`).toString('base64')}`;
    } else if (config.bearer_token !== undefined) {
      h['Authorization'] = `Bearer ${ctx.secret(config.bearer_token).trim()}`;
    }
    return h;
  };

  const auto = config.profiles === undefined || config.profiles === 'auto';
  let last: CollectReport | undefined;
  return {
    async collect(signal: AbortSignal): Promise<Sample[]> {
      const res = await httpGet(config.url, {
        headers: headers(),
        client: getClient(),
        signal,
        maxBytes: config.max_body_bytes ?? DEFAULT_MAX_BODY,
      });
      if (res.status === 401 || res.status === 403)
        throw new CollectError('auth', `GET ${config.url}: HTTP ${res.status}`);
      if (res.status < 200 || res.status > 299)
        throw new CollectError('http_status', `GET ${config.url}: HTTP ${res.status}`);
      const ct = res.contentType;
      // Some exporters omit Content-Type; anything that is clearly not exposition text (an HTML login
      // or proxy error page, JSON) must not reach the parser, where it would fail on a confusing line.
      if (ct !== undefined && !/^(text\/plain|application\/openmetrics-text)\b/i.test(ct)) {
        throw new CollectError('content_type', `GET ${config.url}: expected Prometheus text, got Content-Type "${ct}"`);
      }
      const format = formatFromContentType(ct);
      let exposition;
      try {
        exposition = parseExposition(res.body.toString('utf8'), format, wanted);
      } catch (err) {
        if (err instanceof ExpositionError)
          throw new CollectError('parse', `GET ${config.url}: ${format} ${err.message}`, { cause: err });
        throw err;
      }
      const produced: CollectReport['produced'] = [];
      const samples = mapExposition(
        exposition,
        profiles,
        { honorTimestamps: config.honor_timestamps !== false },
        produced,
      );
      last = { produced, missing: [] };
      if (auto)
        last.detected =
          produced.length > 0
            ? `metric names matched ${produced.map((p) => p.profile).join(', ')}`
            : `no metric of ${profiles.map((p) => p.name).join(', ')} in the exposition`;
      return samples;
    },
    report(): CollectReport {
      return last ?? { produced: [], missing: [] };
    },
    async close(): Promise<void> {
      const c = client;
      client = undefined;
      await c?.destroy();
    },
  };
}
