/** @module Types of the SNMP collector: a target's config and a vendor profile (both validated by JSON Schema). */
import type { Signal } from '../types.ts';

/** One SNMP target, as config.schema.json describes it. */
export interface SnmpTargetConfig {
  host: string;
  port?: number;
  version: '1' | '2c' | '3';
  /** A literal community, or a secret reference (env:NAME / file:/path). */
  community?: string;
  v3?: {
    user: string;
    level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
    auth_protocol?: 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
    /** Secret reference (env:NAME / file:/path). */
    auth_key?: string;
    priv_protocol?: 'des' | 'aes' | 'aes256b' | 'aes256r';
    /** Secret reference (env:NAME / file:/path). */
    priv_key?: string;
  };
  /** Default auto: picked from sysObjectID and the standard MIBs the device answers. */
  profiles?: ProfileName[] | 'auto';
  timeout_ms?: number;
  retries?: number;
  max_repetitions?: number;
  max_oids_per_get?: number;
}

/** Name of a profile shipped in profiles/ (the config schema's enum lists them). */
export type ProfileName = string;

/** How one raw value becomes a sample. */
export interface Reading {
  name: string;
  signal: Signal;
  scale?: number;
  offset?: number;
  device?: string;
  labels?: Record<string, string>;
  states?: Record<string, string>;
  ignore_values?: number[];
}

export interface ScalarReading extends Reading {
  oid: string;
}

export interface ColumnReading extends Reading {
  column: number;
  /** Rows whose index matches (anchored); named groups fill {name} templates. */
  index_pattern?: string;
}

export interface SensorRule {
  type: number;
  units?: string;
  signal: Signal;
  scale?: number;
  labels?: Record<string, string>;
}

export interface ProfileTable {
  name: string;
  entry: string;
  device?: string;
  labels?: Record<string, string>;
  /** Where {name} comes from; with `names`, the column's value is looked up and unlisted rows are skipped. */
  name_column?: { entry: string; column: number; names?: Record<string, string> };
  columns?: ColumnReading[];
  sensor?: {
    type_column: number;
    scale_column: number;
    precision_column: number;
    value_column: number;
    status_column?: number;
    status_ok?: number[];
    units_column?: number;
    rules: SensorRule[];
  };
}

/** A vendor profile (profiles/<name>.yaml). */
export interface Profile {
  name: string;
  description: string;
  mib: string;
  /** The vendor document the OIDs and scales come from. */
  source: string;
  /** How profiles: auto recognises the device. */
  match?: { sys_object_id?: string[]; probe?: string; rank?: number };
  scalars?: ScalarReading[];
  tables?: ProfileTable[];
}

/** A value as read from the agent, normalised: numbers (Counter64 included) or strings. */
export type SnmpValue = number | string;

/** What one collection read: instance OID → value, plus OIDs the agent said do not exist. */
export interface Readout {
  values: Map<string, SnmpValue>;
  /** Requested scalar OIDs answered noSuchObject / noSuchInstance. */
  missing: string[];
}
