/** @module Loads BACnet point-list profiles (profiles/<name>.yaml) and validates them against profile.schema.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import schema from './profile.schema.json' with { type: 'json' };
import type { BacnetProfile } from './types.ts';
import { compileValidator } from '../validate.ts';

const validateProfile = compileValidator<BacnetProfile>(schema, 'BACnet profile');

/** Parses and validates one profile document; `source` names it in errors. */
export function parseProfile(text: string, source: string): BacnetProfile {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new Error(`BACnet profile ${source}: not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  try {
    return validateProfile(doc);
  } catch (error) {
    throw new Error(`${source}: ${(error as Error).message}`, { cause: error });
  }
}

const shipped = new Map<string, BacnetProfile>();

/** Loads a shipped profile by name, once per process. */
export function loadProfile(name: string): BacnetProfile {
  let profile = shipped.get(name);
  if (profile === undefined) {
    const file = join(import.meta.dirname, 'profiles', `${name}.yaml`);
    shipped.set(name, (profile = parseProfile(readFileSync(file, 'utf8'), file)));
  }
  return profile;
}
