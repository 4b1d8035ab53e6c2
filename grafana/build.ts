/**
 * @module Builds every dims dashboard from the catalog and lays out the provisioning tree:
 *
 *   <out>/provisioning/datasources/dims.yaml
 *   <out>/provisioning/dashboards/dims.yaml
 *   <out>/dashboards/<uid>.json
 *
 * Built with @grafana/grafana-foundation-sdk 10.4.0-cogv0.0.x (Grafana 10.4, schemaVersion 36).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Catalog, Dimension } from '../src/catalog/types.ts';
import { alertsDashboard } from './dashboards/alerts/index.ts';
import { centerDashboard } from './dashboards/center/index.ts';
import { collectorsDashboard } from './dashboards/collectors/index.ts';
import { dimensionDashboard } from './dashboards/dimension/index.ts';
import { nationDashboard } from './dashboards/nation/index.ts';
import { provinceDashboard } from './dashboards/province/index.ts';
import type { Lang } from './lib/i18n.ts';
import { DEFAULT_PROVISIONING, datasourcesYaml, providerYaml, type ProvisioningOptions } from './provisioning.ts';

const DIMS: Dimension[] = ['A', 'B', 'C', 'D'];

/** Gives panels stable ids in layout order; the SDK leaves them unset, and links to a panel need one. */
function numberPanels(d: Dashboard): Dashboard {
  let id = 1;
  for (const p of d.panels ?? []) {
    p.id = id++;
    for (const inner of ('panels' in p ? p.panels : []) ?? []) inner.id = id++;
  }
  return d;
}

/** Every dashboard, in menu order. */
export function buildDashboards(catalog: Catalog, lang: Lang = 'zh'): Dashboard[] {
  const all = [
    nationDashboard(catalog, lang),
    provinceDashboard(catalog, lang),
    centerDashboard(catalog, lang),
    ...DIMS.map((d) => dimensionDashboard(catalog, d, lang)),
    collectorsDashboard(catalog, lang),
    alertsDashboard(catalog, lang),
  ];
  return all.map(numberPanels);
}

/** Dashboard JSON as Grafana stores it (the SDK's marker methods drop out in JSON.stringify). */
export function dashboardJson(d: Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

export interface BuildResult {
  files: string[];
  dashboards: Dashboard[];
}

/** Writes the provisioning tree under `out`; returns the files written (relative to `out`). */
export function writeGrafanaTree(
  catalog: Catalog,
  out: string,
  opts: { lang?: Lang } & Partial<ProvisioningOptions> = {},
): BuildResult {
  const prov: ProvisioningOptions = {
    ...DEFAULT_PROVISIONING,
    ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)),
  };
  const dashboards = buildDashboards(catalog, opts.lang ?? 'zh');
  const files: Array<[string, string]> = [
    ['provisioning/datasources/dims.yaml', datasourcesYaml(prov)],
    ['provisioning/dashboards/dims.yaml', providerYaml(prov)],
    ...dashboards.map((d): [string, string] => [`dashboards/${d.uid}.json`, dashboardJson(d)]),
  ];
  for (const [rel, text] of files) {
    const file = path.join(out, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return { files: files.map(([f]) => f), dashboards };
}
