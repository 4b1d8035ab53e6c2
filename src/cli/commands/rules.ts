/**
 * @module `dims rules build --out DIR`: Prometheus alert rules from the catalog's thresholds plus operational
 * rules, their promtool unit tests, the Alertmanager configuration from a routing file, and one runbook per alert.
 */
import path from 'node:path';
import { parseOptions, required } from '../args.ts';
import { CliError } from '../errors.ts';
import { loadCatalog } from '../../catalog/load.ts';
import { CatalogError } from '../../catalog/errors.ts';
import { CATALOG_DIR } from '../../catalog/paths.ts';
import { loadRouting, SAMPLE_ROUTING } from '../../../alerting/alertmanager.ts';
import { DEFAULT_URLS, writeRulesTree } from '../../../alerting/build.ts';

const HELP = `Usage: dims rules build --out DIR [options]

Writes DIR/prometheus/dims-alerts.yml (rules), DIR/prometheus/dims-alerts.test.yml (promtool test rules),
DIR/alertmanager/alertmanager.yml and DIR/runbooks/*.md.

Options:
  --out DIR            output folder
  --routing FILE       alert routing (YAML, alerting/routing.schema.json; default: the sample routing.sample.yaml)
  --grafana-url URL    Grafana base URL for dashboard_url annotations (default ${DEFAULT_URLS.grafana})
  --runbook-url URL    base URL where DIR/runbooks is served (default ${DEFAULT_URLS.runbookBase})
  --interval DUR       evaluation interval per group (default: Prometheus' global evaluation_interval)
  --catalog DIR        catalog folder (default: the project's indicators/)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    out: { type: 'string' },
    routing: { type: 'string' },
    'grafana-url': { type: 'string' },
    'runbook-url': { type: 'string' },
    interval: { type: 'string' },
    catalog: { type: 'string' },
  });
  const [sub] = positionals;
  if (values.help || !sub) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  if (sub !== 'build') throw new CliError(`unknown subcommand "${sub}" (expected build)`, 2);
  const out = path.resolve(required(values.out, 'out'));
  if (values.interval !== undefined && !/^\d+(s|m|h)$/.test(values.interval))
    throw new CliError(`--interval must look like 30s or 1m (got ${JSON.stringify(values.interval)})`, 2);
  let catalog;
  try {
    catalog = loadCatalog(values.catalog ?? CATALOG_DIR);
  } catch (err) {
    if (err instanceof CatalogError) throw new CliError(err.message);
    throw err;
  }
  let routing;
  try {
    routing = loadRouting(values.routing ?? SAMPLE_ROUTING);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const urls = {
    ...(values['grafana-url'] ? { grafana: values['grafana-url'].replace(/\/$/, '') } : {}),
    ...(values['runbook-url'] ? { runbookBase: values['runbook-url'] } : {}),
  };
  const result = writeRulesTree(catalog, out, {
    routing,
    urls,
    ...(values.interval ? { interval: values.interval } : {}),
  });
  const alerts = new Set(result.specs.map((s) => s.rule.alert)).size;
  console.log(
    `wrote ${result.files.length} files to ${out}: ${result.specs.length} rules (${alerts} alert names), promtool tests, alertmanager.yml, runbooks`,
  );
  return 0;
}
