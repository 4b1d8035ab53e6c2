/**
 * @module `dims grafana build --out DIR`: writes the Grafana provisioning tree (datasources, dashboard provider,
 * dashboards) generated from the catalog. The output is build output: regenerate it, never edit it.
 */
import path from 'node:path';
import { parseOptions, required } from '../args.ts';
import { CliError } from '../errors.ts';
import { loadCatalog } from '../../catalog/load.ts';
import { CatalogError } from '../../catalog/errors.ts';
import { CATALOG_DIR } from '../../catalog/paths.ts';
import { writeGrafanaTree } from '../../../grafana/build.ts';
import { checkDashboards } from '../../../grafana/check.ts';
import { DEFAULT_PROVISIONING } from '../../../grafana/provisioning.ts';

const HELP = `Usage: dims grafana build --out DIR [options]

Writes DIR/provisioning/datasources/dims.yaml, DIR/provisioning/dashboards/dims.yaml and
DIR/dashboards/<uid>.json (Grafana 10.4 or later; dashboards are schemaVersion 36).

Options:
  --out DIR               output folder (created; existing files are overwritten)
  --lang zh|en            language of titles and descriptions (default zh)
  --influx-url URL        InfluxDB URL for the datasource (default ${DEFAULT_PROVISIONING.influxUrl})
  --influx-db NAME        InfluxDB database (default ${DEFAULT_PROVISIONING.influxDatabase})
  --prometheus-url URL    Prometheus URL (default ${DEFAULT_PROVISIONING.prometheusUrl})
  --alertmanager-url URL  Alertmanager URL (default ${DEFAULT_PROVISIONING.alertmanagerUrl})
  --dashboards-path DIR   where Grafana will find the dashboards folder (default ${DEFAULT_PROVISIONING.dashboardsPath})
  --catalog DIR           catalog folder (default: the project's indicators/)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    out: { type: 'string' },
    lang: { type: 'string' },
    'influx-url': { type: 'string' },
    'influx-db': { type: 'string' },
    'prometheus-url': { type: 'string' },
    'alertmanager-url': { type: 'string' },
    'dashboards-path': { type: 'string' },
    catalog: { type: 'string' },
  });
  const [sub] = positionals;
  if (values.help || !sub) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  if (sub !== 'build') throw new CliError(`unknown subcommand "${sub}" (expected build)`, 2);
  const out = path.resolve(required(values.out, 'out'));
  const lang = values.lang ?? 'zh';
  if (lang !== 'zh' && lang !== 'en') throw new CliError(`--lang must be zh or en (got ${JSON.stringify(lang)})`, 2);
  let catalog;
  try {
    catalog = loadCatalog(values.catalog ?? CATALOG_DIR);
  } catch (err) {
    if (err instanceof CatalogError) throw new CliError(err.message);
    throw err;
  }
  const result = writeGrafanaTree(catalog, out, {
    lang,
    influxUrl: values['influx-url'],
    influxDatabase: values['influx-db'],
    prometheusUrl: values['prometheus-url'],
    alertmanagerUrl: values['alertmanager-url'],
    dashboardsPath: values['dashboards-path'],
  });
  // Refuse to hand out a tree that would break in Grafana.
  const problems = checkDashboards(result.dashboards);
  if (problems.length > 0) throw new CliError(`generated dashboards have problems:\n  ${problems.join('\n  ')}`);
  const panels = result.dashboards.reduce((n, d) => n + (d.panels ?? []).filter((x) => x.type !== 'row').length, 0);
  console.log(
    `wrote ${result.files.length} files to ${out}: ${result.dashboards.length} dashboards, ${panels} panels (${lang})`,
  );
  return 0;
}
