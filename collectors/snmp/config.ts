/** @module Validates one SNMP target's config against config.schema.json, failing with a 'config' CollectError. */
import { CollectError } from '../types.ts';
import schema from './config.schema.json' with { type: 'json' };
import type { SnmpTargetConfig } from './types.ts';
import { compileValidator } from '../validate.ts';

const validate = compileValidator<SnmpTargetConfig>(schema, 'snmp target config');

/** Returns `config` typed when valid; otherwise throws CollectError('config') naming field and value. */
export function validateConfig(config: unknown): SnmpTargetConfig {
  try {
    return validate(config);
  } catch (error) {
    throw new CollectError('config', (error as Error).message, { cause: error });
  }
}
