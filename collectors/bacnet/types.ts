/** @module Types of the BACnet/IP collector: a target's config, its points and device profiles. */
import type { Signal } from '../types.ts';

/** Object types a point can name (the analog, binary, multi-state and accumulator families). */
export type PointObjectType =
  | 'analog-input'
  | 'analog-output'
  | 'analog-value'
  | 'binary-input'
  | 'binary-output'
  | 'binary-value'
  | 'multi-state-input'
  | 'multi-state-output'
  | 'multi-state-value'
  | 'accumulator';

/** Units a point's present value can be declared in; `auto` reads the object's units property. */
export type PointUnits =
  'auto' | 'W' | 'kW' | 'MW' | 'Wh' | 'kWh' | 'MWh' | 'degC' | 'degF' | 'm3' | 'L' | 'percent' | 'none';

/** One value read from one object's present-value. */
export interface PointSpec {
  name: string;
  /** `<object type>:<instance>`, e.g. `analog-input:3`. */
  object: string;
  units?: PointUnits;
  scale?: number;
  offset?: number;
  /** Without a signal the point is read but not emitted. */
  signal?: Signal;
  device?: string;
  labels?: Record<string, string>;
  states?: Record<string, string>;
  states_default?: string;
  expected?: boolean;
}

/** A device profile (profiles/<name>.yaml). */
export interface BacnetProfile {
  name: string;
  description: string;
  source: string;
  points: PointSpec[];
}

/** One BACnet/IP target, as config.schema.json describes it. */
export interface BacnetTargetConfig {
  host: string;
  port?: number;
  device_instance?: number;
  profile?: string;
  points?: PointSpec[];
  local_port?: number;
  timeout_ms?: number;
  max_objects_per_request?: number;
  read_property_multiple?: boolean;
}
