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
  /** Undefined: back to the first day of last month. */
  backfill_days?: number;
  interval: string;
  scrape_interval: string;
  storage?: Record<string, unknown>;
  prometheus: boolean;
  grafana_out?: string;
  rules_out?: string;
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
