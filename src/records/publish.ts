/**
 * @module Writes the published center-record schema and checks it has not drifted from the dictionary.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog/types.ts';
import { CATALOG_DIR } from '../catalog/paths.ts';
import { centerRecordSchema } from './schema.ts';

export const RECORD_SCHEMA_FILE = path.join(CATALOG_DIR, 'schema', 'center-record.schema.json');

export function renderRecordSchema(catalog: Catalog): string {
  return `${JSON.stringify(centerRecordSchema(catalog), null, 2)}\n`;
}

/** Writes the schema; returns the path. */
export function writeRecordSchema(catalog: Catalog): string {
  writeFileSync(RECORD_SCHEMA_FILE, renderRecordSchema(catalog));
  return path.relative(process.cwd(), RECORD_SCHEMA_FILE);
}

/** True when the committed schema equals the generated one. */
export function recordSchemaCurrent(catalog: Catalog): boolean {
  try {
    return readFileSync(RECORD_SCHEMA_FILE, 'utf8') === renderRecordSchema(catalog);
  } catch {
    return false;
  }
}
