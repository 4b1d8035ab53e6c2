/**
 * @module Loads the catalog from its YAML files, validates each against its JSON Schema, then cross-checks.
 *
 * The result is the single source of truth the engine, dashboards, rules and reports read.
 * Any problem aborts loading with a CatalogError that lists every problem (file, field, value).
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compileSchema } from '../shared/json-schema.ts';
import { CATALOG_DIR, DIMENSION_DIRS } from './paths.ts';
import { CatalogError, type CatalogProblem } from './errors.ts';
import { crossCheck } from './validate.ts';
import type {
  Catalog,
  DimensionInfo,
  Direction,
  LevelInfo,
  Named,
  TargetScope,
  Indicator,
  RawMetric,
  Unit,
  Province,
  HubNode,
  HubCluster,
  Parameter,
  Source,
} from './types.ts';

function readJson(file: string): object {
  return JSON.parse(readFileSync(file, 'utf8')) as object;
}

interface Loaded<T> {
  data: T | undefined;
  text: string;
}

function loadYaml<T>(file: string, schema: object, problems: CatalogProblem[], label: string): Loaded<T> {
  const rel = path.relative(process.cwd(), file) || file;
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    problems.push({ file: rel, path: '/', message: `cannot be read (${label})` });
    return { data: undefined, text };
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    problems.push({ file: rel, path: '/', message: `is not valid YAML: ${(err as Error).message.split('\n')[0]}` });
    return { data: undefined, text };
  }
  const validator = compileSchema<T>(schema);
  const found = validator.problems(data);
  for (const p of found) problems.push({ file: rel, path: p.path, message: p.message, value: p.value });
  return { data: found.length === 0 ? (data as T) : undefined, text };
}

/** Lists the indicator files of a catalog folder, dimension by dimension. */
export function indicatorFiles(dir: string = CATALOG_DIR): string[] {
  const out: string[] = [];
  for (const sub of Object.values(DIMENSION_DIRS)) {
    const full = path.join(dir, sub);
    if (!existsSync(full)) continue;
    for (const f of readdirSync(full).sort()) if (f.endsWith('.yaml')) out.push(path.join(full, f));
  }
  return out;
}

/**
 * Loads and validates the catalog in `dir`.
 * @throws CatalogError listing every problem when any file is broken or a cross-check fails.
 */
export function loadCatalog(dir: string = CATALOG_DIR): Catalog {
  const problems: CatalogProblem[] = [];
  const schemaDir = path.join(dir, 'schema');
  const indicatorSchema = readJson(path.join(schemaDir, 'indicator.schema.json'));
  const rawSchema = readJson(path.join(schemaDir, 'raw-metrics.schema.json'));
  const ref = readJson(path.join(schemaDir, 'reference.schema.json')) as { $defs: Record<string, object> };
  const sub = (name: string) => ({ $schema: 'http://json-schema.org/draft-07/schema#', ...ref.$defs[name] });

  const hash = createHash('sha256');
  const take = <T>(l: Loaded<T>) => {
    hash.update(l.text);
    return l.data;
  };

  const metrics =
    take(loadYaml<{ metrics: RawMetric[] }>(path.join(dir, 'raw-metrics.yaml'), rawSchema, problems, 'raw metrics'))
      ?.metrics ?? [];
  const refDir = path.join(dir, 'reference');
  const units =
    take(loadYaml<{ units: Unit[] }>(path.join(refDir, 'units.yaml'), sub('units'), problems, 'units'))?.units ?? [];
  const dimensions =
    take(
      loadYaml<{ dimensions: DimensionInfo[] }>(
        path.join(refDir, 'dimensions.yaml'),
        sub('dimensions'),
        problems,
        'dimensions',
      ),
    )?.dimensions ?? [];
  const levels =
    take(loadYaml<{ levels: LevelInfo[] }>(path.join(refDir, 'levels.yaml'), sub('levels'), problems, 'levels'))
      ?.levels ?? [];
  if (levels.length > 0 && new Set(levels.map((l) => l.id)).size !== levels.length)
    problems.push({ file: path.join(refDir, 'levels.yaml'), path: '/levels', message: 'each level must appear once' });
  const directions =
    take(
      loadYaml<{ directions: Named<Direction>[] }>(
        path.join(refDir, 'directions.yaml'),
        sub('directions'),
        problems,
        'directions',
      ),
    )?.directions ?? [];
  const targetScopes =
    take(
      loadYaml<{ scopes: Named<TargetScope>[] }>(
        path.join(refDir, 'target-scopes.yaml'),
        sub('target-scopes'),
        problems,
        'target scopes',
      ),
    )?.scopes ?? [];
  const provinces =
    take(
      loadYaml<{ provinces: Province[] }>(path.join(refDir, 'provinces.yaml'), sub('provinces'), problems, 'provinces'),
    )?.provinces ?? [];
  const hubs = take(
    loadYaml<{ hub_nodes: HubNode[]; clusters: HubCluster[] }>(
      path.join(refDir, 'hub-clusters.yaml'),
      sub('hubs'),
      problems,
      'hubs',
    ),
  );
  const parameters =
    take(
      loadYaml<{ parameters: Parameter[] }>(
        path.join(refDir, 'parameters.yaml'),
        sub('parameters'),
        problems,
        'parameters',
      ),
    )?.parameters ?? [];
  const sources =
    take(loadYaml<{ sources: Source[] }>(path.join(dir, 'sources.yaml'), sub('sources'), problems, 'sources'))
      ?.sources ?? [];

  const indicators: Indicator[] = [];
  for (const file of indicatorFiles(dir)) {
    const data = take(loadYaml<Omit<Indicator, 'file'>>(file, indicatorSchema, problems, 'indicator'));
    if (data) indicators.push({ ...data, file: path.relative(process.cwd(), file) || file });
  }
  indicators.sort((a, b) => a.code.localeCompare(b.code));

  const catalog: Catalog = {
    version: `1.0+${hash.digest('hex').slice(0, 10)}`,
    indicators,
    dimensions,
    levels,
    directions,
    targetScopes,
    metrics,
    units,
    provinces,
    hubNodes: hubs?.hub_nodes ?? [],
    clusters: hubs?.clusters ?? [],
    parameters,
    sources,
    indicatorById: new Map(indicators.map((i) => [i.id, i])),
    metricById: new Map(metrics.map((m) => [m.id, m])),
    provinceByCode: new Map(provinces.map((p) => [p.code, p])),
    dimensionById: new Map(dimensions.map((d) => [d.id, d])),
    levelById: new Map(levels.map((l) => [l.id, l])),
  };
  if (problems.length === 0) problems.push(...crossCheck(catalog));
  if (problems.length > 0) throw new CatalogError(problems);
  return catalog;
}

let cached: Catalog | undefined;

/** The repository's catalog, loaded once per process. */
export function defaultCatalog(): Catalog {
  cached ??= loadCatalog();
  return cached;
}
