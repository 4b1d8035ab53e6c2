/**
 * @module Which indicators a report's charts show: `charts.yaml`, validated by its schema and against the
 * catalog (an id that is not an indicator, or one without province values, is named with its field).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Catalog } from '../catalog/types.ts';
import { compileSchema, formatProblem } from '../shared/json-schema.ts';
import type { ReportPeriodKind } from './types.ts';

export interface ChartSpec {
  headline: string[];
  trends: string[];
  distribution: string;
  provinces: string[];
  trend_periods: Record<ReportPeriodKind, number>;
}

const schema = JSON.parse(readFileSync(new URL('./charts.schema.json', import.meta.url), 'utf8')) as object;
const validator = compileSchema<ChartSpec>(schema);

/** Validates a chart spec document; throws naming the field and value of the first problems. */
export function checkChartSpec(doc: unknown, catalog: Catalog, file = 'charts.yaml'): ChartSpec {
  const problems = validator.problems(doc).map((p) => formatProblem(p, file));
  if (problems.length === 0) {
    const spec = doc as ChartSpec;
    const ids: Array<[string, string]> = [
      ...spec.headline.map((id, i): [string, string] => [`/headline/${i}`, id]),
      ...spec.trends.map((id, i): [string, string] => [`/trends/${i}`, id]),
      ['/distribution', spec.distribution],
      ...spec.provinces.map((id, i): [string, string] => [`/provinces/${i}`, id]),
    ];
    for (const [at, id] of ids) {
      const ind = catalog.indicatorById.get(id);
      if (!ind) problems.push(`${file}: ${at} ${JSON.stringify(id)} is not an indicator of the catalog`);
      else if (!ind.levels.includes('province'))
        problems.push(`${file}: ${at} ${JSON.stringify(id)} has no province values (levels: ${ind.levels.join(', ')})`);
    }
    const dist = catalog.indicatorById.get(spec.distribution);
    if (dist && !dist.levels.includes('center'))
      problems.push(`${file}: /distribution ${JSON.stringify(spec.distribution)} has no center values`);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return doc as ChartSpec;
}

let loaded: ChartSpec | undefined;

/** The shipped chart spec, loaded and checked once. */
export function chartSpec(catalog: Catalog): ChartSpec {
  loaded ??= checkChartSpec(parseYaml(readFileSync(new URL('./charts.yaml', import.meta.url), 'utf8')), catalog);
  return loaded;
}
