/**
 * @module Registry attributes a catalog filter may test: the registry file's fields plus a few derived ones.
 *
 * Derived attributes are computed for a window (a center's age depends on when you ask):
 *   is_hub     the center belongs to a 东数西算 cluster (hub_cluster is not null)
 *   hub_node   the hub node of its cluster, or null
 *   is_new     commissioned on or after the `new_center_since` parameter
 *   is_large   size_class is large or hyperscale
 *   age_years  full years from commission_date to the window's end
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CATALOG_DIR } from './paths.ts';

export const DERIVED_ATTRIBUTES = ['is_hub', 'hub_node', 'is_new', 'is_large', 'age_years'] as const;

/** Every attribute name a filter may use. */
export function registryAttributes(dir: string = CATALOG_DIR): Set<string> {
  const schema = JSON.parse(readFileSync(path.join(dir, 'schema', 'registry.schema.json'), 'utf8')) as {
    properties: { centers: { items: { properties: Record<string, { enum?: string[] }> } } };
  };
  return new Set([...Object.keys(schema.properties.centers.items.properties), ...DERIVED_ATTRIBUTES]);
}

/** Allowed values of enumerated registry attributes (so a filter on size_class: giant is caught). */
export function registryEnums(dir: string = CATALOG_DIR): Map<string, Set<string>> {
  const schema = JSON.parse(readFileSync(path.join(dir, 'schema', 'registry.schema.json'), 'utf8')) as {
    properties: { centers: { items: { properties: Record<string, { enum?: string[] }> } } };
  };
  const out = new Map<string, Set<string>>();
  for (const [k, v] of Object.entries(schema.properties.centers.items.properties))
    if (v.enum) out.set(k, new Set(v.enum));
  return out;
}

/** Attributes whose values are true/false (a filter must compare them with a boolean). */
export function booleanAttributes(dir: string = CATALOG_DIR): Set<string> {
  const schema = JSON.parse(readFileSync(path.join(dir, 'schema', 'registry.schema.json'), 'utf8')) as {
    properties: { centers: { items: { properties: Record<string, { type?: string | string[] }> } } };
  };
  const out = new Set<string>(['is_hub', 'is_new', 'is_large']);
  for (const [k, v] of Object.entries(schema.properties.centers.items.properties)) if (v.type === 'boolean') out.add(k);
  return out;
}
