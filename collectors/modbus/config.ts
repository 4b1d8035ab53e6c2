/** @module Validates one Modbus target (schema, then the request plan) and resolves its fields, without any I/O. */
import { CollectError } from '../types.ts';
import rawConfigSchema from './config.schema.json' with { type: 'json' };
import { planRequests, type ReadRequest } from './plan.ts';
import profileSchema from './profile.schema.json' with { type: 'json' };
import { loadProfile } from './profile.ts';
import type { FieldSpec, ModbusTargetConfig } from './types.ts';
import { compileValidator } from '../validate.ts';

/**
 * The target schema with the profile's field definition inlined, so it compiles on its own: the agent
 * validates every target against its plugin's schema and cannot know about sibling files.
 */
export const configSchema: object = {
  ...JSON.parse(
    JSON.stringify(rawConfigSchema).replaceAll('"profile.schema.json#/definitions/field"', '"#/definitions/field"'),
  ),
  definitions: { field: profileSchema.definitions.field },
};

const validate = compileValidator<ModbusTargetConfig>(configSchema, 'modbus target config');

/** A validated target: its config, every field (profile first, then inline) and the planned reads. */
export interface ResolvedTarget {
  config: ModbusTargetConfig;
  fields: FieldSpec[];
  requests: ReadRequest[];
}

/** Validates `raw`; throws CollectError('config') naming the field and value. */
export function resolveTarget(raw: unknown): ResolvedTarget {
  try {
    const config = validate(raw);
    const fields = [...(config.profile ? loadProfile(config.profile).fields : []), ...(config.fields ?? [])];
    const names = new Set<string>();
    for (const f of fields) {
      if (names.has(f.name))
        throw new Error(`modbus target config: /fields: field name ${JSON.stringify(f.name)} is used twice`);
      names.add(f.name);
    }
    return { config, fields, requests: planRequests(fields, config.max_registers_per_request ?? 125) };
  } catch (error) {
    if (error instanceof CollectError) throw error;
    throw new CollectError('config', (error as Error).message, { cause: error });
  }
}
