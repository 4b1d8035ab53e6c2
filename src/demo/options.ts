/**
 * @module Options of the demo (`npm start` / `dims start`): defaults, a YAML config file, command-line overrides,
 * all validated by demo-config.schema.json so a bad value is named before anything starts.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { compileSchema, formatProblem } from '../shared/json-schema.ts';
import schema from './demo-config.schema.json' with { type: 'json' };

export interface DemoOptions {
  centers: number;
  seed: number;
  port: number;
  data_dir: string;
  /** The demo's clock start (see demoInstant); undefined: the wall clock. */
  now?: string;
  /** Undefined: back to the first day of last month. */
  backfill_days?: number;
  interval: string;
  scrape_interval: string;
  storage?: Record<string, unknown>;
  prometheus: boolean;
  grafana_out?: string;
  rules_out?: string;
  alerts: boolean;
  fault_after: string;
  fault_duration: string;
}

const validate = compileSchema<Partial<DemoOptions>>(schema);

/** Defaults from the schema. */
export function defaults(): DemoOptions {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema.properties)) if ('default' in v) out[k] = v.default;
  return out as unknown as DemoOptions;
}

/** Reads a config file (YAML or JSON); throws an Error naming file, path and value. */
export function readDemoConfig(file: string): Partial<DemoOptions> {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(
      `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'cannot be read' : `is not valid YAML: ${(err as Error).message.split('\n')[0]}`}`,
    );
  }
  const problems = validate.problems(data ?? {});
  if (problems.length > 0) throw new Error(problems.map((p) => formatProblem(p, file)).join('\n'));
  return (data ?? {}) as Partial<DemoOptions>;
}

/** Merges defaults, file and overrides, then validates the result. */
export function resolveDemoOptions(
  file: Partial<DemoOptions>,
  overrides: Partial<DemoOptions>,
  label = 'options',
): DemoOptions {
  const merged = { ...defaults(), ...file, ...overrides };
  const problems = validate.problems(merged);
  if (problems.length > 0) throw new Error(problems.map((p) => formatProblem(p, label)).join('\n'));
  return merged;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * The instant a `now` option names: RFC 3339 with an offset, or a local date / date and time in Asia/Shanghai
 * (UTC+8 all year). Throws an Error naming the value.
 */
export function demoInstant(text: string, label = 'now'): number {
  const m = LOCAL.exec(text);
  let ms: number;
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
    ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - 8 * 3_600_000;
    // Date.UTC rolls 2027-02-29 over to March: a date that does not exist is an error, not another day.
    const back = new Date(ms + 8 * 3_600_000);
    const exists = back.getUTCFullYear() === y && back.getUTCMonth() + 1 === mo && back.getUTCDate() === d;
    if (!exists || h! > 23 || mi! > 59 || s! > 59) ms = NaN;
  } else {
    ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : NaN;
  }
  if (!Number.isFinite(ms) || ms < Date.UTC(2000, 0, 1) || ms > Date.UTC(2200, 0, 1))
    throw new Error(
      `${label} must be an RFC 3339 time (2027-01-01T00:05:00+08:00) or a date in Asia/Shanghai (2028-02-29, 2027-03-31T23:59) between 2000 and 2200 (got ${JSON.stringify(text)})`,
    );
  return ms;
}
