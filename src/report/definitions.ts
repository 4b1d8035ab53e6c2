/**
 * @module The definitions stage: each indicator's name, unit, direction, levels, definition, formula in
 * words, where its data comes from, and its official target with the target's source.
 */
import type { Catalog, Indicator } from '../catalog/types.ts';
import type { Lang } from '../catalog/docs.ts';
import { describeComputation } from '../catalog/docs.ts';
import { officialTarget } from '../catalog/targets.ts';
import type { Definition } from './types.ts';
import { DIMENSIONS, DIRECTIONS, LEVELS, SCOPES, SOURCES_OF_DATA, word } from './text.ts';

export function definitions(catalog: Catalog, indicators: Indicator[], lang: Lang): Definition[] {
  const sep = lang === 'zh' ? '、' : ', ';
  return indicators.map((ind) => {
    const bySource = new Map<string, string[]>();
    for (const id of ind.raw_metrics) {
      const m = catalog.metricById.get(id);
      if (!m) continue;
      const list = bySource.get(m.source) ?? [];
      list.push(m[lang]);
      bySource.set(m.source, list);
    }
    const t = officialTarget(ind);
    const src = t ? catalog.sources.find((s) => s.id === t.source) : undefined;
    return {
      indicator: ind.id,
      code: ind.code,
      dimension: `${ind.dimension} ${DIMENSIONS[ind.dimension][lang]}`,
      name: ind.name[lang],
      unit: ind.unit,
      direction: DIRECTIONS[ind.direction][lang],
      levels: ind.levels.map((l) => word(LEVELS, l, lang)).join(sep),
      description: ind.description[lang],
      formula: describeComputation(ind, lang),
      data_sources:
        [...bySource.entries()]
          .map(([s, names]) => `${word(SOURCES_OF_DATA, s, lang)}: ${names.join(sep)}`)
          .join('; ') || word(SOURCES_OF_DATA, 'registry', lang),
      target: t ? `${t.text[lang]}${t.scope ? ` [${word(SCOPES, t.scope, lang)}]` : ''}` : '',
      target_source: src ? `${src.id} ${src.title} ${src.url}` : '',
    };
  });
}
