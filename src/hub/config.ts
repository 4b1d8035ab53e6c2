/**
 * @module Hub configuration: a YAML (or JSON) file validated against config.schema.json. Every problem
 * names the file, the path inside it and the offending value; relative paths resolve beside the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { checkForm } from '../report/form.ts';
import type { FormConfig } from '../report/types.ts';
import type { DeliveryConfig } from '../report/delivery/config.ts';
import { compileSchema, formatProblem } from '../shared/json-schema.ts';

export type CloseKind = 'hour' | 'day' | 'month' | 'quarter' | 'year';

export interface HubConfig {
  /** The file it came from (for messages). */
  file: string;
  role: 'national' | 'provincial';
  province?: string;
  listen: { host: string; port: number; tls?: TlsConfig };
  registry: string;
  catalog?: string;
  state_db: string;
  /** Alert runbooks (`dims rules build` writes them) served at /runbooks/<Alert>.md. */
  runbooks_dir?: string;
  storage: Record<string, unknown>;
  timezone: string;
  engine: {
    enabled: boolean;
    realtime_minutes: number;
    store_realtime: 'all' | 'regions' | 'none';
    close_delay_minutes: number;
    kinds: CloseKind[];
    max_catch_up: number;
    refresh_on_ingest_ms: number;
  };
  limits: {
    json_body_bytes: number;
    upload_bytes: number;
    upload_expanded_bytes: number;
    records_per_request: number;
    requests_per_minute: number;
    auth_failures_per_minute: number;
    dirty_periods_per_request: number;
  };
  coverage: { late_after_minutes: number };
  metrics: { auth: 'token' | 'none' };
  federation?: {
    upstream: string;
    forward: 'records' | 'rollups';
    token?: string;
    token_env?: string;
    batch: number;
    interval_ms: number;
    timeout_ms: number;
    ca_file?: string;
    cert_file?: string;
    key_file?: string;
  };
  telemetry: { otlp_endpoint?: string; service_name: string };
  reports?: {
    dir: string;
    formats?: Array<'xlsx' | 'csv' | 'json' | 'pdf'>;
    /** The statistical form header (src/report/form.schema.json). */
    form?: FormConfig;
    delivery?: DeliveryConfig;
    langs?: Array<'zh' | 'en'>;
    nation?: boolean;
    suppress?: boolean;
    monthly?: string;
    quarterly?: string;
    yearly?: string;
    retries?: number;
  };
}

/** HTTPS for the hub (paths absolute); see config.schema.json. */
export interface TlsConfig {
  cert: string;
  key: string;
  client_ca?: string;
  client_certs: 'request' | 'require';
}

/** A config file that cannot be used; `problems` each name file, path and value. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`hub config has ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
const schema = JSON.parse(readFileSync(path.join(here, 'config.schema.json'), 'utf8')) as object;
const validate = compileSchema<Record<string, unknown>>(schema);
const STORAGE_SCHEMA = path.join(here, '..', 'storage', 'storage-config.schema.json');

type Raw = Record<string, Record<string, unknown> | undefined> & Record<string, unknown>;

/** Applies defaults to a validated document; relative paths resolve against `baseDir`. */
export function resolveConfig(data: Record<string, unknown>, file: string, baseDir: string): HubConfig {
  const d = data as Raw;
  const abs = (p: string) => (path.isAbsolute(p) || p === ':memory:' ? p : path.resolve(baseDir, p));
  const engine = d.engine ?? {};
  const limits = d.limits ?? {};
  const fed = d.federation;
  const tel = d.telemetry ?? {};
  const storage = {
    ...((d.storage as Record<string, unknown> | undefined) ?? { kind: 'sqlite', path: 'hub-data.db' }),
  };
  // The embedded store's file is a path like any other: relative to the config file.
  if (typeof storage.path === 'string') storage.path = abs(storage.path);
  return {
    file,
    role: (d.role as unknown as HubConfig['role']) ?? 'national',
    ...(typeof d.province === 'string' ? { province: d.province } : {}),
    listen: {
      host: (d.listen?.host as string) ?? '127.0.0.1',
      port: (d.listen?.port as number) ?? 8470,
      ...(d.listen?.tls ? { tls: resolveTls(d.listen.tls as Record<string, unknown>, abs) } : {}),
    },
    registry: abs(d.registry as unknown as string),
    ...(typeof d.catalog === 'string' ? { catalog: abs(d.catalog) } : {}),
    state_db: abs((d.state_db as unknown as string) ?? 'hub-state.db'),
    ...(typeof d.runbooks_dir === 'string' ? { runbooks_dir: abs(d.runbooks_dir) } : {}),
    storage,
    timezone: (d.timezone as unknown as string) ?? 'Asia/Shanghai',
    engine: {
      enabled: (engine.enabled as boolean) ?? true,
      realtime_minutes: (engine.realtime_minutes as number) ?? 15,
      store_realtime: storeRealtime(engine.store_realtime),
      close_delay_minutes: (engine.close_delay_minutes as number) ?? 2,
      kinds: (engine.kinds as CloseKind[]) ?? ['hour', 'day', 'month', 'quarter', 'year'],
      max_catch_up: (engine.max_catch_up as number) ?? 72,
      refresh_on_ingest_ms: (engine.refresh_on_ingest_ms as number) ?? 2000,
    },
    limits: {
      json_body_bytes: (limits.json_body_bytes as number) ?? 5 * 1024 * 1024,
      upload_bytes: (limits.upload_bytes as number) ?? 20 * 1024 * 1024,
      upload_expanded_bytes: (limits.upload_expanded_bytes as number) ?? 32 * 1024 * 1024,
      records_per_request: (limits.records_per_request as number) ?? 10_000,
      requests_per_minute: (limits.requests_per_minute as number) ?? 6000,
      auth_failures_per_minute: (limits.auth_failures_per_minute as number) ?? 30,
      dirty_periods_per_request: (limits.dirty_periods_per_request as number) ?? 500,
    },
    coverage: { late_after_minutes: (d.coverage?.late_after_minutes as number) ?? 15 },
    metrics: { auth: (d.metrics?.auth as 'token' | 'none') ?? 'token' },
    ...(fed
      ? {
          federation: {
            upstream: (fed.upstream as string).replace(/\/+$/, ''),
            forward: (fed.forward as 'records' | 'rollups' | undefined) ?? 'records',
            ...(typeof fed.token === 'string' ? { token: fed.token } : {}),
            ...(typeof fed.token_env === 'string' ? { token_env: fed.token_env } : {}),
            batch: (fed.batch as number) ?? 500,
            interval_ms: (fed.interval_ms as number) ?? 1000,
            timeout_ms: (fed.timeout_ms as number) ?? 10_000,
            ...(typeof fed.ca_file === 'string' ? { ca_file: abs(fed.ca_file) } : {}),
            ...(typeof fed.cert_file === 'string' ? { cert_file: abs(fed.cert_file) } : {}),
            ...(typeof fed.key_file === 'string' ? { key_file: abs(fed.key_file) } : {}),
          },
        }
      : {}),
    telemetry: {
      ...(typeof tel.otlp_endpoint === 'string' ? { otlp_endpoint: tel.otlp_endpoint } : {}),
      service_name: (tel.service_name as string) ?? 'dims-hub',
    },
    ...(d.reports
      ? {
          reports: {
            ...(d.reports as NonNullable<HubConfig['reports']>),
            dir: abs((d.reports as { dir: string }).dir),
          },
        }
      : {}),
  };
}

/** Validates parsed config data; throws ConfigError listing every problem. */
export function parseConfig(data: unknown, file: string, baseDir = path.dirname(path.resolve(file))): HubConfig {
  const problems = validate.problems(data).map((p) => formatProblem(p, file));
  if (problems.length === 0) {
    const d = data as Raw;
    if ((d.role as unknown) !== 'provincial' && d.federation)
      problems.push(`${file}: /federation is only for a provincial hub (set role: provincial and province)`);
    const kinds = (d.engine?.kinds as string[] | undefined) ?? ['hour'];
    if (d.federation?.forward === 'rollups' && (d.engine?.enabled === false || !kinds.includes('hour')))
      problems.push(
        `${file}: /federation/forward rollups forwards hour roll-ups as hours close: engine.enabled must be true and engine.kinds must include hour (got ${JSON.stringify(d.engine?.kinds ?? kinds)})`,
      );
    if (d.federation && !d.federation.token && !d.federation.token_env)
      problems.push(`${file}: /federation needs token or token_env (got neither)`);
    if (typeof d.federation?.token_env === 'string' && !process.env[d.federation.token_env]) {
      problems.push(
        `${file}: /federation/token_env names an unset environment variable (got ${JSON.stringify(d.federation.token_env)})`,
      );
    }
    if (d.reports?.form !== undefined) {
      try {
        checkForm(d.reports.form, `${file}: /reports/form`);
      } catch (err) {
        problems.push(...(err as Error).message.split('\n'));
      }
    }
    const attach = (d.reports?.delivery as { attach?: string[] } | undefined)?.attach ?? [];
    const formats = (d.reports?.formats as string[] | undefined) ?? ['xlsx', 'csv', 'json'];
    for (const f of attach)
      if (!formats.includes(f))
        problems.push(
          `${file}: /reports/delivery/attach ${JSON.stringify(f)} is not among /reports/formats (${formats.join(', ')})`,
        );
    if (typeof d.timezone === 'string') {
      try {
        new Intl.DateTimeFormat('en', { timeZone: d.timezone });
      } catch {
        problems.push(`${file}: /timezone is not an IANA time zone (got ${JSON.stringify(d.timezone)})`);
      }
    }
  }
  const storage = (data as Raw | null)?.storage;
  if (storage && typeof storage === 'object' && existsSync(STORAGE_SCHEMA)) {
    const storageValidate = compileSchema<unknown>(JSON.parse(readFileSync(STORAGE_SCHEMA, 'utf8')) as object);
    for (const p of storageValidate.problems(storage))
      problems.push(formatProblem({ ...p, path: `/storage${p.path === '/' ? '' : p.path}` }, file));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return resolveConfig(data as Record<string, unknown>, file, baseDir);
}

/** Reads and validates a config file. */
export function loadConfig(file: string): HubConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([
      `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    ]);
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError([
      `${file}: is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`,
    ]);
  }
  return parseConfig(data, file);
}

/** The federation token, from the environment when token_env is set. */
export function federationToken(cfg: HubConfig): string | undefined {
  const f = cfg.federation;
  if (!f) return undefined;
  return f.token_env ? process.env[f.token_env] : f.token;
}

/** `store_realtime` as written (an enum, or the booleans of earlier configs) to its enum. */
function storeRealtime(v: unknown): HubConfig['engine']['store_realtime'] {
  if (v === true) return 'all';
  if (v === false) return 'none';
  return (v as HubConfig['engine']['store_realtime'] | undefined) ?? 'regions';
}

function resolveTls(t: Record<string, unknown>, abs: (p: string) => string): TlsConfig {
  return {
    cert: abs(t.cert as string),
    key: abs(t.key as string),
    ...(typeof t.client_ca === 'string' ? { client_ca: abs(t.client_ca) } : {}),
    client_certs: (t.client_certs as TlsConfig['client_certs'] | undefined) ?? 'request',
  };
}
