/** @module Validates one BACnet target and resolves its points, without any I/O. */
import { CollectError } from '../types.ts';
import rawConfigSchema from './config.schema.json' with { type: 'json' };
import profileSchema from './profile.schema.json' with { type: 'json' };
import { loadProfile } from './profile.ts';
import type { BacnetTargetConfig, PointObjectType, PointSpec } from './types.ts';
import { compileValidator } from '../validate.ts';

/** The target schema with the profile's point definition inlined, so it compiles on its own. */
export const configSchema: object = {
  ...JSON.parse(
    JSON.stringify(rawConfigSchema).replaceAll('"profile.schema.json#/definitions/point"', '"#/definitions/point"'),
  ),
  definitions: { point: profileSchema.definitions.point },
};

const validate = compileValidator<BacnetTargetConfig>(configSchema, 'bacnet target config');

/** BACnet ObjectType codes (ASHRAE 135 clause 21) of the point object types. */
export const OBJECT_TYPES: Readonly<Record<PointObjectType, number>> = {
  'analog-input': 0,
  'analog-output': 1,
  'analog-value': 2,
  'binary-input': 3,
  'binary-output': 4,
  'binary-value': 5,
  'multi-state-input': 13,
  'multi-state-output': 14,
  'multi-state-value': 19,
  accumulator: 23,
};

/** A point with its object identifier decoded. */
export interface ResolvedPoint extends PointSpec {
  type: number;
  instance: number;
  /** Analog and accumulator objects carry a units property; binary and multi-state ones do not. */
  hasUnits: boolean;
}

/** A validated target: its config and every point (profile first, then inline). */
export interface ResolvedTarget {
  config: BacnetTargetConfig;
  points: ResolvedPoint[];
}

/** Validates `raw`; throws CollectError('config') naming the field and value. */
export function resolveTarget(raw: unknown): ResolvedTarget {
  try {
    const config = validate(raw);
    const specs = [...(config.profile ? loadProfile(config.profile).points : []), ...(config.points ?? [])];
    const names = new Set<string>();
    const points = specs.map((p): ResolvedPoint => {
      if (names.has(p.name))
        throw new Error(`bacnet target config: /points: point name ${JSON.stringify(p.name)} is used twice`);
      names.add(p.name);
      const [kind, instance] = p.object.split(':') as [PointObjectType, string];
      const type = OBJECT_TYPES[kind];
      return { ...p, type, instance: Number(instance), hasUnits: type <= 2 || type === 23 };
    });
    return { config, points };
  } catch (error) {
    if (error instanceof CollectError) throw error;
    throw new CollectError('config', (error as Error).message, { cause: error });
  }
}
