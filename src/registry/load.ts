/**
 * @module Loads the deployment's center registry (YAML or JSON), validates it and indexes it.
 *
 * Errors name the file, the center and the field, so an operator can fix the entry at once.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compileSchema, type SchemaProblem } from '../shared/json-schema.ts';
import { CATALOG_DIR } from '../catalog/paths.ts';
import type { Catalog } from '../catalog/types.ts';
import type { Center, Registry } from '../model/centers.ts';

/** The registry with lookups. */
export interface RegistryIndex {
  centers: Center[];
  byId: Map<string, Center>;
}

/** A broken registry: every problem, each naming file, center and field. */
export class RegistryError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`registry has ${problems.length} problem(s):\n${problems.join('\n')}`);
    this.name = 'RegistryError';
    this.problems = problems;
  }
}

const schema = JSON.parse(readFileSync(path.join(CATALOG_DIR, 'schema', 'registry.schema.json'), 'utf8')) as object;
const validate = compileSchema<Registry>(schema);

function describeProblem(data: unknown, p: SchemaProblem, file: string): string {
  const m = /^\/centers\/(\d+)(\/.*)?$/.exec(p.path);
  const got = p.value === undefined ? '' : ` (got ${JSON.stringify(p.value)})`;
  if (m) {
    const idx = Number(m[1]);
    const entry = (data as { centers?: Array<{ id?: unknown }> }).centers?.[idx];
    const who = typeof entry?.id === 'string' ? `center "${entry.id}" (centers[${idx}])` : `centers[${idx}]`;
    const field = m[2] ? m[2].slice(1).replace(/\//g, '.') : 'entry';
    return `${file}: ${who} ${field} ${p.message}${got}`;
  }
  return `${file}: ${p.path} ${p.message}${got}`;
}

/** Validates registry data already parsed from `fileLabel`. */
export function parseRegistry(data: unknown, catalog: Catalog, fileLabel = 'registry'): RegistryIndex {
  const problems = validate.problems(data).map((p) => describeProblem(data, p, fileLabel));
  if (problems.length > 0) throw new RegistryError(problems);
  const reg = data as Registry;
  const clusters = new Map(catalog.clusters.map((c) => [c.id, c]));
  const byId = new Map<string, Center>();
  reg.centers.forEach((c, i) => {
    const who = `center "${c.id}" (centers[${i}])`;
    if (byId.has(c.id))
      problems.push(`${fileLabel}: ${who} id is used by another center (got ${JSON.stringify(c.id)})`);
    if (!catalog.provinceByCode.has(c.province))
      problems.push(
        `${fileLabel}: ${who} province is not a GB/T 2260 province code (got ${JSON.stringify(c.province)})`,
      );
    if (c.hub_cluster !== null) {
      const cl = clusters.get(c.hub_cluster);
      if (!cl)
        problems.push(
          `${fileLabel}: ${who} hub_cluster is not a 东数西算 cluster (got ${JSON.stringify(c.hub_cluster)}); known: ${[...clusters.keys()].join(', ')}`,
        );
      else if (cl.province !== c.province)
        problems.push(
          `${fileLabel}: ${who} hub_cluster ${c.hub_cluster} lies in province ${cl.province}, not ${c.province}`,
        );
    }
    if (
      c.storage_flash_tb !== undefined &&
      c.storage_total_tb !== undefined &&
      c.storage_flash_tb > c.storage_total_tb
    ) {
      problems.push(`${fileLabel}: ${who} storage_flash_tb exceeds storage_total_tb (got ${c.storage_flash_tb})`);
    }
    byId.set(c.id, c);
  });
  if (problems.length > 0) throw new RegistryError(problems);
  return { centers: reg.centers, byId };
}

/** Reads and validates a registry file (`.yaml`, `.yml` or `.json`). */
export function loadRegistry(file: string, catalog: Catalog): RegistryIndex {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RegistryError([
      `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    ]);
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new RegistryError([
      `${file}: is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`,
    ]);
  }
  return parseRegistry(data, catalog, file);
}

/** Builds an index from centers already known to be valid (tests, generated fleets). */
export function indexRegistry(centers: Center[]): RegistryIndex {
  return { centers, byId: new Map(centers.map((c) => [c.id, c])) };
}
