/** @module Types of the Modbus collector: a target's config, register fields and device profiles. */
import type { Signal } from '../types.ts';
import type { ByteOrder, RegisterType } from './decode.ts';

/** Which register table a field lives in: holding (FC03) or input (FC04). */
export type RegisterKind = 'holding' | 'input';

/** One value read from registers; `address` is the 0-based protocol address (not the "4xxxx" reference). */
export interface FieldSpec {
  name: string;
  register: RegisterKind;
  address: number;
  type: RegisterType;
  byte_order?: ByteOrder;
  /** value = raw × scale + offset */
  scale?: number;
  offset?: number;
  /** Without a signal the field is read and decoded but not emitted (the Signal set has no volts, amps or hertz). */
  signal?: Signal;
  device?: string;
  labels?: Record<string, string>;
  states?: Record<string, string>;
  states_default?: string;
}

/** A device profile (profiles/<name>.yaml). */
export interface ModbusProfile {
  name: string;
  description: string;
  /** The vendor document the map is written from (or that it is a dims reference map). */
  source: string;
  fields: FieldSpec[];
}

/** Names of the shipped profiles (the config schema's enum lists them). */
export type ModbusProfileName = string;

/** One Modbus TCP target, as config.schema.json describes it. */
export interface ModbusTargetConfig {
  host: string;
  port?: number;
  unit_id?: number;
  profile?: ModbusProfileName;
  fields?: FieldSpec[];
  timeout_ms?: number;
  max_registers_per_request?: number;
  busy_retries?: number;
  busy_retry_wait_ms?: number;
}
