/**
 * @module Fault configuration for a simulation (YAML or JSON, validated): protocol faults per device id or
 * glob pattern, optionally only during a simulated time window, and counter resets / meter replacements at
 * simulated instants.
 *
 * @example
 * faults:
 *   - { match: "gd-0001-bmc-00*", fault: { delayMs: 3000 } }
 *   - { match: "*-ups-01", fault: { silent: true }, from: "+2h", until: "+3h" }
 * counters:
 *   - { match: "gd-0001-meter-facility", at: "+6h", kind: replace, startValue: 12.5 }
 *   - { match: "*-pdu-002", at: "2026-03-01T04:00:00+08:00", kind: reset }
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { FaultSpec } from './device-state.ts';
import type { CounterEvent } from './devices.ts';
import { compileSchema, formatProblem } from '../shared/json-schema.ts';

/** A simulated instant: ISO 8601 with offset, or `+<n><s|m|h|d>` after the simulation's start. */
export type SimInstant = string;

export interface FaultRule {
  match: string;
  fault: FaultSpec;
  from?: SimInstant;
  until?: SimInstant;
}

export interface CounterRule {
  match: string;
  at: SimInstant;
  kind: 'reset' | 'replace';
  startValue?: number;
}

export interface FaultConfig {
  faults?: FaultRule[];
  counters?: CounterRule[];
}

const INSTANT = {
  type: 'string',
  pattern:
    '^(\\+\\d+(\\.\\d+)?(ms|s|m|h|d)|\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))$',
};

export const FAULT_CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://dims.invalid/schema/simulate-faults.schema.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    faults: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['match', 'fault'],
        properties: {
          match: { type: 'string', minLength: 1, description: 'Device id, or a glob with * and ?.' },
          fault: {
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            properties: {
              hang: { type: 'boolean' },
              delayMs: { type: 'number', minimum: 0 },
              httpStatus: { type: 'integer', minimum: 400, maximum: 599 },
              htmlErrorPage: { type: 'boolean' },
              malformed: { type: 'boolean' },
              noSuchObject: { type: 'boolean' },
              silent: { type: 'boolean' },
              modbusException: { type: 'integer', minimum: 1, maximum: 11 },
            },
          },
          from: INSTANT,
          until: INSTANT,
        },
      },
    },
    counters: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['match', 'at', 'kind'],
        properties: {
          match: { type: 'string', minLength: 1 },
          at: INSTANT,
          kind: { enum: ['reset', 'replace'] },
          startValue: { type: 'number', minimum: 0 },
        },
      },
    },
  },
} as const;

const validate = compileSchema<FaultConfig>(FAULT_CONFIG_SCHEMA);

/** Validates parsed fault config; throws an Error listing every problem (path, message, value). */
export function parseFaultConfig(data: unknown, label = 'faults'): FaultConfig {
  const problems = validate.problems(data);
  if (problems.length > 0)
    throw new Error(
      `${label}: invalid fault config:\n${problems.map((p) => `  ${formatProblem(p, label)}`).join('\n')}`,
    );
  return data as FaultConfig;
}

/** Reads and validates a fault config file (YAML or JSON). */
export function loadFaultConfig(file: string): FaultConfig {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read fault config: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseFaultConfig(data ?? {}, file);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Resolves a simulated instant against the simulation's start. */
export function resolveInstant(instant: SimInstant, startMs: number): number {
  const rel = /^\+(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(instant);
  if (rel) return startMs + Number(rel[1]) * UNIT_MS[rel[2]!]!;
  const abs = Date.parse(instant);
  if (Number.isNaN(abs)) throw new Error(`not a simulated instant: ${JSON.stringify(instant)}`);
  return abs;
}

/** Whether `id` matches a rule's id or glob. */
export function matches(pattern: string, id: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === id;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(id);
}

/** A fault to apply to one device during [fromMs, untilMs). */
export interface ScheduledFault {
  id: string;
  fault: FaultSpec;
  fromMs: number;
  untilMs: number;
}

/** Expands the config over the simulation's device ids. Rules matching no device are errors (a typo would hide a test). */
export function expandFaults(
  config: FaultConfig,
  ids: readonly string[],
  startMs: number,
): { faults: ScheduledFault[]; counters: Map<string, CounterEvent[]> } {
  const faults: ScheduledFault[] = [];
  const counters = new Map<string, CounterEvent[]>();
  const problems: string[] = [];
  (config.faults ?? []).forEach((rule, n) => {
    const hit = ids.filter((id) => matches(rule.match, id));
    if (hit.length === 0) problems.push(`faults[${n}].match matches no device (got ${JSON.stringify(rule.match)})`);
    const fromMs = rule.from ? resolveInstant(rule.from, startMs) : -Infinity;
    const untilMs = rule.until ? resolveInstant(rule.until, startMs) : Infinity;
    if (untilMs <= fromMs) problems.push(`faults[${n}].until must be after from (got ${JSON.stringify(rule.until)})`);
    for (const id of hit) faults.push({ id, fault: rule.fault, fromMs, untilMs });
  });
  (config.counters ?? []).forEach((rule, n) => {
    const hit = ids.filter((id) => matches(rule.match, id));
    if (hit.length === 0) problems.push(`counters[${n}].match matches no device (got ${JSON.stringify(rule.match)})`);
    const atMs = resolveInstant(rule.at, startMs);
    for (const id of hit) {
      const list = counters.get(id) ?? [];
      list.push({ atMs, kind: rule.kind, startValue: rule.startValue });
      counters.set(id, list);
    }
  });
  if (problems.length > 0) throw new Error(`invalid fault config:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return { faults, counters };
}
