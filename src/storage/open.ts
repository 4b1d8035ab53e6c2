/**
 * @module Opens the storage a deployment's config names: the embedded SQLite file or InfluxDB 1.x.
 *
 * The config is checked against storage-config.schema.json first (the hub's config schema embeds
 * the same file), so a typo fails at start with the path of the offending key.
 */
import { readFileSync } from 'node:fs';
import { compileSchema, formatProblem } from '../shared/json-schema.ts';
import { InfluxStorage } from './influx/influx-storage.ts';
import { SqliteStorage } from './sqlite/sqlite-storage.ts';
import type { Storage } from './types.ts';
import { resolveRetention, type RetentionConfig } from './retention.ts';

export { StorageUnavailableError, StorageInputError, isStorageUnavailable } from './errors.ts';

export interface SqliteStorageConfig {
  kind: 'sqlite';
  /** File path, or `:memory:`. */
  path: string;
  retention?: RetentionConfig;
}

export interface InfluxStorageConfig {
  kind: 'influxdb';
  url: string;
  database: string;
  username?: string;
  password?: string;
  retention?: RetentionConfig;
  requestTimeoutMs?: number;
  writeConcurrency?: number;
}

export type StorageConfig = SqliteStorageConfig | InfluxStorageConfig;

/** The JSON Schema of StorageConfig (draft-07), for embedding in other config schemas. */
export const storageConfigSchema: object = JSON.parse(
  readFileSync(new URL('./storage-config.schema.json', import.meta.url), 'utf8'),
) as object;

const validate = compileSchema<StorageConfig>(storageConfigSchema);

/** Problems with a storage config, formatted (`/retention/raw must match pattern … (got "1y")`); empty when valid. */
export function checkStorageConfig(config: unknown): string[] {
  return validate.problems(config).map((p) => formatProblem(p));
}

/** Builds the adapter without opening it. */
export function createStorage(config: StorageConfig): Storage {
  const problems = checkStorageConfig(config);
  if (problems.length > 0) throw new Error(`storage config is invalid:\n  ${problems.join('\n  ')}`);
  if (config.kind === 'sqlite')
    return new SqliteStorage({ path: config.path, retention: resolveRetention(config.retention) });
  const { url, database, username, password, retention, requestTimeoutMs, writeConcurrency } = config;
  return new InfluxStorage({
    url,
    database,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(retention !== undefined ? { retention } : {}),
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    ...(writeConcurrency !== undefined ? { writeConcurrency } : {}),
  });
}

/** Builds and opens the adapter: database, retention policies or tables exist when it resolves. */
export async function openStorage(config: StorageConfig): Promise<Storage> {
  const storage = createStorage(config);
  await storage.open();
  return storage;
}
