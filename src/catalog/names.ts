/** @module Words for the catalog's fixed vocabularies (directions, target scopes) in one language. */
import type { Named } from './types.ts';

/** The name of `id` in `lang` from a reference list; the id itself if the list lacks it. */
export function nameOf<Id extends string>(list: readonly Named<Id>[], id: Id, lang: 'zh' | 'en'): string {
  return list.find((n) => n.id === id)?.[lang] ?? id;
}
