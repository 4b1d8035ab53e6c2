/** @module Loads vendor profiles (profiles/<name>.yaml) and validates them against profile.schema.json. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import schema from './profile.schema.json' with { type: 'json' };
import type { Profile, ProfileName } from './types.ts';
import { compileValidator } from '../validate.ts';

const validateProfile = compileValidator<Profile>(schema, 'SNMP profile');

/** Parses and validates one profile document; `source` names it in errors. */
export function parseProfile(text: string, source: string): Profile {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new Error(`SNMP profile ${source}: not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  try {
    return validateProfile(doc);
  } catch (error) {
    throw new Error(`${source}: ${(error as Error).message}`, { cause: error });
  }
}

/** Shipped profiles parsed so far: read-only data shared by every target that names them. */
const shipped = new Map<string, Profile>();

/** Loads a shipped profile by name; each file is read and validated once per process, not once per target. */
export function loadProfile(name: ProfileName): Profile {
  let profile = shipped.get(name);
  if (profile === undefined) {
    const file = join(import.meta.dirname, 'profiles', `${name}.yaml`);
    shipped.set(name, (profile = parseProfile(readFileSync(file, 'utf8'), file)));
  }
  return profile;
}

/** Names of the shipped profiles (profiles/*.yaml), sorted. */
export function bundledProfileNames(): string[] {
  return readdirSync(join(import.meta.dirname, 'profiles'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** Every shipped profile, each parsed once per process (profiles: auto chooses among them). */
export function loadBundledProfiles(): Profile[] {
  return bundledProfileNames().map((n) => loadProfile(n));
}
