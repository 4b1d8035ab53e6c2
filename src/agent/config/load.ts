/**
 * @module Reads and validates an agent config before anything starts: schema (ajv), then cross-field
 * rules, then each target's protocol options against its plugin's schema. Every problem names the
 * file, the path in the config and the offending value; secrets are checked to exist, never echoed.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { CORE_SCHEMA, load as loadYaml, YAMLException } from 'js-yaml';
import { compileSchema, formatProblem, type SchemaProblem, type Validator } from '../../shared/json-schema.ts';
import { CollectError, type CollectorPlugin } from '../../../collectors/types.ts';
import schema from './config.schema.json' with { type: 'json' };
import { durationMs } from './durations.ts';
import { loadPlugins, type PluginMap } from './plugins.ts';
import { resolveSecret, SecretError } from './secrets.ts';
import type { AgentConfig, RoleBinding, RoleName, SinkConfig, TargetConfig } from './types.ts';
import { TELEMETRY_MAX_INTERVAL_MS } from '../../records/parse.ts';

/** Config problems, one per line, each `file: /path message (got value)`. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const validate = compileSchema<RawConfig>(schema);

type Duration = number | string;
type RawRole =
  RoleName | { role: RoleName; device?: string; labels?: Record<string, string>; integrate_power?: boolean };
interface RawTarget {
  id: string;
  protocol: string;
  roles?: RawRole[];
  timeout?: Duration;
  max_power_kw?: number;
  rack?: string;
  rack_per_device?: boolean;
  config: Record<string, unknown>;
}
interface RawConfig {
  center: string;
  center_type?: AgentConfig['centerType'];
  model_scale?: number;
  interval?: Duration;
  scrape_interval?: Duration;
  spread?: number;
  defaults?: { timeout?: Duration; backoff_max?: Duration };
  limits?: { concurrency?: number; per_protocol?: Record<string, number> };
  thresholds?: { rack_in_use_watts?: number; accel_idle_utilization?: number };
  scheduling?: { namespaces?: string };
  extra_chips?: string | string[];
  outbox?: { path?: string; max_records?: number; max_backfill?: number; max_memory_records?: number };
  sinks: Array<Record<string, unknown> & { type: 'hub' | 'jsonl' | 'stdout'; name?: string }>;
  metrics?: { port?: number };
  tracing?: { otlp_endpoint: string; service_name?: string };
  log_level?: AgentConfig['logLevel'];
  targets: RawTarget[];
}

export interface LoadOptions {
  /** Plugins to use instead of (or in addition to) the bundled collectors. */
  plugins?: PluginMap;
  /** Skip checking that secrets resolve (e.g. `--check` on a machine without them). */
  skipSecrets?: boolean;
}

/** Reads, parses and validates `file`. */
export async function loadAgentConfig(
  file: string,
  opts: LoadOptions = {},
): Promise<{ config: AgentConfig; plugins: PluginMap }> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
  }
  // js-yaml, not the `yaml` package the rest of dims uses for its small files: a center's config lists every
  // device and reaches megabytes, where `yaml` (a full document model first) took ten times the time and
  // peaked at 270 MiB for 5,000 targets, more than the running agent. The core schema keeps YAML 1.2 plain
  // scalars (no dates, no merge keys), as `yaml` reads them; duplicate keys are refused by both.
  let raw: unknown;
  try {
    // A copy: js-yaml's strings are slices of the text, and a target id kept for the agent's life would keep
    // the whole text with it (1.3 MiB for 5,000 targets). structuredClone writes each string out anew.
    raw = structuredClone(loadYaml(text, { schema: CORE_SCHEMA }));
  } catch (err) {
    if (err instanceof YAMLException) throw new ConfigError([`${file}: ${err.message.split('\n')[0]}`]);
    throw err;
  }
  return parseAgentConfig(raw, { ...opts, file, baseDir: dirname(resolve(file)) });
}

/** Validates an already-parsed config object (from YAML, JSON or code). */
export async function parseAgentConfig(
  raw: unknown,
  opts: LoadOptions & { file?: string; baseDir?: string } = {},
): Promise<{ config: AgentConfig; plugins: PluginMap }> {
  const file = opts.file ?? 'config';
  const fmt = (p: SchemaProblem) => formatProblem(p, file);
  const problems = validate.problems(raw);
  if (problems.length > 0) throw new ConfigError(problems.map(fmt));
  const c = raw as RawConfig;
  const out: string[] = [];
  const bad = (path: string, message: string, value?: unknown) => out.push(fmt({ path, message, value }));
  const baseDir = opts.baseDir ?? process.cwd();
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));

  const intervalMs = durationMs(c.interval ?? '5m');
  const scrapeIntervalMs = durationMs(c.scrape_interval ?? '1m');
  const spread = c.spread ?? 0.2;
  // The hub accepts telemetry over these intervals only (src/records/parse.ts: records tile the hour).
  if (intervalMs < 1000 || intervalMs % 1000 !== 0 || TELEMETRY_MAX_INTERVAL_MS % intervalMs !== 0)
    bad('/interval', 'must be whole seconds that divide an hour (1s … 1m, 5m, 10m, 15m, 30m, 1h)', c.interval);
  if (scrapeIntervalMs < 100) bad('/scrape_interval', 'must be at least 100ms', c.scrape_interval);
  if (scrapeIntervalMs > intervalMs || intervalMs % scrapeIntervalMs !== 0)
    bad('/scrape_interval', `must divide the interval (${intervalMs} ms)`, c.scrape_interval ?? '1m');
  const defaultTimeout = durationMs(c.defaults?.timeout ?? Math.min(10, (scrapeIntervalMs * (1 - spread)) / 1000));
  const maxTimeout = Math.floor(scrapeIntervalMs * (1 - spread));

  const ids = new Map<string, number>();
  const targets: TargetConfig[] = [];
  c.targets.forEach((t, i) => {
    const at = `/targets/${i}`;
    if (ids.has(t.id)) bad(`${at}/id`, `duplicates /targets/${ids.get(t.id)}/id`, t.id);
    ids.set(t.id, i);
    const timeoutMs = t.timeout === undefined ? defaultTimeout : durationMs(t.timeout);
    if (timeoutMs > maxTimeout) {
      bad(
        t.timeout === undefined ? '/defaults/timeout' : `${at}/timeout`,
        `must leave room for the spread: at most ${maxTimeout} ms (scrape_interval x (1 - spread))`,
        t.timeout ?? c.defaults?.timeout,
      );
    }
    const roles: RoleBinding[] = [];
    (t.roles ?? []).forEach((r, j) => {
      const spec = typeof r === 'string' ? { role: r } : r;
      const b: RoleBinding = { role: spec.role, integratePower: spec.integrate_power ?? false };
      if (spec.device !== undefined) b.device = regex(spec.device, `${at}/roles/${j}/device`, bad);
      if (spec.labels !== undefined) {
        b.labels = {};
        for (const [k, v] of Object.entries(spec.labels)) b.labels[k] = regex(v, `${at}/roles/${j}/labels/${k}`, bad);
      }
      roles.push(b);
    });
    if (roles.some((r) => r.role === 'rack') && t.rack === undefined && t.rack_per_device !== true) {
      bad(`${at}/rack`, 'is required with role rack (or set rack_per_device: true)', t.rack);
    }
    targets.push({
      id: t.id,
      protocol: t.protocol,
      roles,
      timeoutMs,
      ...(t.max_power_kw !== undefined ? { maxPowerKw: t.max_power_kw } : {}),
      ...(t.rack !== undefined ? { rack: t.rack } : {}),
      rackPerDevice: t.rack_per_device ?? false,
      config: t.config,
    });
  });

  const sinkNames = new Set<string>();
  const sinks: SinkConfig[] = c.sinks.map((s, i) => {
    const name = s.name ?? (i === 0 ? s.type : `${s.type}-${i}`);
    if (sinkNames.has(name)) bad(`/sinks/${i}/name`, 'must be unique among sinks', name);
    sinkNames.add(name);
    if (s.type === 'hub') {
      const token = s.token as string;
      if (!opts.skipSecrets) {
        try {
          resolveSecret(token, baseDir);
        } catch (err) {
          if (err instanceof SecretError) bad(`/sinks/${i}/token`, err.message, token);
          else throw err;
        }
      }
      return {
        type: 'hub',
        name,
        url: String(s.url).replace(/\/+$/, ''),
        token,
        gzip: (s.gzip as boolean | undefined) ?? false,
        batch: (s.batch as number | undefined) ?? 100,
        timeoutMs: durationMs((s.timeout as Duration | undefined) ?? '30s'),
        ...(s.ca_file !== undefined ? { caFile: abs(String(s.ca_file)) } : {}),
        ...(s.cert_file !== undefined ? { certFile: abs(String(s.cert_file)) } : {}),
        ...(s.key_file !== undefined ? { keyFile: abs(String(s.key_file)) } : {}),
        insecureSkipVerify: (s.insecure_skip_verify as boolean | undefined) ?? false,
      };
    }
    if (s.type === 'jsonl') return { type: 'jsonl', name, path: abs(String(s.path)) };
    return { type: 'stdout', name };
  });

  let schedNamespaces: RegExp | undefined;
  if (c.scheduling?.namespaces !== undefined)
    schedNamespaces = regex(c.scheduling.namespaces, '/scheduling/namespaces', bad);
  const extra = c.extra_chips === undefined ? [] : Array.isArray(c.extra_chips) ? c.extra_chips : [c.extra_chips];

  // Protocol plugins: each target's options are checked against its plugin's own schema, then the
  // plugin's create() runs its own checks (no I/O), so a typo fails here and not at 3 a.m.
  const { plugins, unavailable } = await loadPlugins(
    targets.map((t) => t.protocol),
    opts.plugins,
  );
  targets.forEach((t, i) => {
    const why = unavailable.get(t.protocol);
    if (why !== undefined) {
      bad(`/targets/${i}/protocol`, why, t.protocol);
      return;
    }
    const v = pluginValidator(plugins[t.protocol]!);
    for (const p of v?.problems(t.config) ?? [])
      out.push(fmt({ ...p, path: `/targets/${i}/config${p.path === '/' ? '' : p.path}` }));
  });
  if (out.length > 0) throw new ConfigError(out);
  targets.forEach((t, i) => {
    try {
      const secret = (ref: string) => (opts.skipSecrets ? 'unchecked' : resolveSecret(ref, baseDir));
      const col = plugins[t.protocol]!.create(t.config, { secret, log: () => {} });
      void col.close().catch(() => {});
    } catch (err) {
      if (err instanceof CollectError) bad(`/targets/${i}/config`, err.message, t.config);
      else bad(`/targets/${i}/config`, (err as Error).message, t.config);
    }
  });
  if (out.length > 0) throw new ConfigError(out);

  const config: AgentConfig = {
    ...(opts.file !== undefined ? { file: opts.file } : {}),
    baseDir,
    center: c.center,
    centerType: c.center_type ?? 'general',
    modelScale: c.model_scale ?? 1,
    intervalMs,
    scrapeIntervalMs,
    spread,
    backoffMaxMs: durationMs(c.defaults?.backoff_max ?? '10m'),
    concurrency: c.limits?.concurrency ?? 64,
    perProtocol: c.limits?.per_protocol ?? {},
    rackInUseWatts: c.thresholds?.rack_in_use_watts ?? 100,
    accelIdleUtilization: c.thresholds?.accel_idle_utilization ?? 0.05,
    ...(schedNamespaces !== undefined ? { schedNamespaces } : {}),
    extraChips: extra.map(abs),
    outbox: {
      path: abs(c.outbox?.path ?? `dims-agent-${c.center}.sqlite`),
      maxRecords: c.outbox?.max_records ?? 100_000,
      maxBackfill: c.outbox?.max_backfill ?? 288,
      maxMemoryRecords: c.outbox?.max_memory_records ?? 10_000,
    },
    sinks,
    ...(c.metrics?.port !== undefined ? { metricsPort: c.metrics.port } : {}),
    ...(c.tracing !== undefined
      ? { tracing: { endpoint: c.tracing.otlp_endpoint, serviceName: c.tracing.service_name ?? 'dims-agent' } }
      : {}),
    logLevel: c.log_level ?? 'info',
    targets,
  };
  return { config, plugins };
}

const validators = new WeakMap<object, Validator<unknown> | null>();

/**
 * The plugin's schema compiled once. A schema that references sibling files cannot be compiled on its
 * own; then the plugin's create(), which validates too (the plugin contract), is the only check.
 */
function pluginValidator(plugin: CollectorPlugin): Validator<unknown> | undefined {
  let v = validators.get(plugin);
  if (v === undefined) {
    try {
      v = compileSchema(plugin.configSchema);
    } catch {
      v = null;
    }
    validators.set(plugin, v);
  }
  return v ?? undefined;
}

function regex(src: string, path: string, bad: (path: string, message: string, value?: unknown) => void): RegExp {
  try {
    return new RegExp(src);
  } catch (err) {
    bad(path, `is not a valid regular expression: ${(err as Error).message}`, src);
    return /$^/;
  }
}
