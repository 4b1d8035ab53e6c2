/**
 * @module `dims rules build`: writes the Prometheus rule file, its promtool test file, the Alertmanager
 * configuration and the runbooks:
 *
 *   <out>/prometheus/dims-alerts.yml        rule_files entry for Prometheus
 *   <out>/prometheus/dims-alerts.test.yml   `promtool test rules` file (one case per rule and verdict)
 *   <out>/alertmanager/alertmanager.yml     from the routing file
 *   <out>/runbooks/<Alert>.md, README.md
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../src/catalog/types.ts';
import { alertmanagerYaml, type Routing } from './alertmanager.ts';
import { allRuleSpecs, ruleGroups, rulesYaml } from './prometheus-rules.ts';
import { promtoolTestYaml } from './promtool.ts';
import { runbookIndex, runbooks } from './runbooks.ts';
import type { RuleSpec, RuleUrls } from './types.ts';

export const DEFAULT_URLS: RuleUrls = {
  runbookBase: 'http://127.0.0.1:3000/dims/runbooks',
  grafana: 'http://127.0.0.1:3000',
};

export interface RulesBuildOptions {
  urls?: Partial<RuleUrls>;
  routing: Routing;
  /** Rule evaluation interval written into each group (default 1m). */
  interval?: string;
  /** Replaces every `for:` (tests and demos that cannot wait 15 minutes); never for production. */
  forOverride?: string;
  /** With forOverride: only rules whose `kind` label is one of these (e.g. the demo's `environment`). */
  forOverrideKinds?: readonly string[];
}

export interface RulesBuild {
  files: string[];
  specs: RuleSpec[];
}

export function writeRulesTree(catalog: Catalog, out: string, opts: RulesBuildOptions): RulesBuild {
  const urls = { ...DEFAULT_URLS, ...opts.urls };
  const specs = allRuleSpecs(catalog, urls);
  const built =
    opts.forOverride === undefined
      ? specs
      : specs.map((s) =>
          s.rule.for && (!opts.forOverrideKinds || opts.forOverrideKinds.includes(s.rule.labels.kind ?? ''))
            ? { ...s, rule: { ...s.rule, for: opts.forOverride } }
            : s,
        );
  const files: Array<[string, string]> = [
    [
      'prometheus/dims-alerts.yml',
      rulesYaml(
        ruleGroups(
          built.map((s) => s),
          opts.interval,
        ),
      ),
    ],
    ['alertmanager/alertmanager.yml', alertmanagerYaml(opts.routing)],
    ['runbooks/README.md', runbookIndex(specs)],
    ...[...runbooks(specs)].map(([name, text]): [string, string] => [`runbooks/${name}.md`, text]),
  ];
  // The test file's timings follow the real `for:` values, so it is only written for an unmodified build.
  if (opts.forOverride === undefined)
    files.push(['prometheus/dims-alerts.test.yml', promtoolTestYaml(specs, 'dims-alerts.yml')]);
  for (const [rel, text] of files) {
    const file = path.join(out, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return { files: files.map(([f]) => f), specs: built };
}
