/** @module Tests of the generated rules, promtool tests, Alertmanager config and runbooks, with the real promtool and amtool. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { defaultCatalog } from '../src/catalog/load.ts';
import { describeComputation } from '../src/catalog/docs.ts';
import { loadRouting, parseRouting } from './alertmanager.ts';
import { DEFAULT_URLS, writeRulesTree } from './build.ts';
import { indicatorAlertName } from './from-catalog.ts';
import { promtoolTestYaml, ruleCases } from './promtool.ts';
import type { RuleGroup } from './types.ts';

const catalog = defaultCatalog();
const SAMPLE = new URL('./routing.sample.yaml', import.meta.url).pathname;

function tool(bin: string, args: string[], cwd?: string): { code: number; out: string } {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8' });
  if (r.error)
    throw new Error(
      `${bin} could not run (${r.error.message}); install the Debian packages prometheus and prometheus-alertmanager (.ci/run does)`,
    );
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}

const out = mkdtempSync(path.join(tmpdir(), 'dims-rules-'));
const build = writeRulesTree(catalog, out, { routing: loadRouting(SAMPLE) });
process.on('exit', () => rmSync(out, { recursive: true, force: true }));

test('promtool check rules accepts the generated rule file', () => {
  const r = tool('promtool', ['check', 'rules', path.join(out, 'prometheus/dims-alerts.yml')]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, new RegExp(`SUCCESS: ${build.specs.length} rules found`));
});

test('promtool test rules: every rule fires on its fixture with the right labels and annotations, and stays silent otherwise', () => {
  const r = tool('promtool', ['test', 'rules', 'dims-alerts.test.yml'], path.join(out, 'prometheus'));
  assert.equal(r.code, 0, r.out);
});

test('every generated rule has a firing case and (except the watchdog) a silent case', () => {
  for (const spec of build.specs) {
    const cases = ruleCases(spec);
    assert.ok(
      cases.some((c) =>
        c.alert_rule_test.some((t) => t.exp_alerts.some((a) => a.exp_labels.severity === spec.rule.labels.severity)),
      ),
      `${spec.rule.alert} ${spec.rule.labels.severity} ${spec.rule.labels.level}`,
    );
    if (spec.rule.alert !== 'Watchdog') assert.ok(cases.some((c) => c.name.endsWith('stays silent')));
  }
});

test('a wrong expectation makes promtool fail, so the generated tests have teeth', () => {
  const spec = build.specs.find(
    (s) => s.rule.alert === 'DimsPueHigh' && s.rule.labels.level === 'center',
  ) as (typeof build.specs)[number];
  const broken = {
    ...spec,
    fixture: {
      ...spec.fixture,
      expected: spec.fixture.expected.map((e) => ({ ...e, labels: { ...e.labels, center: '44-9999' } })),
    },
  };
  const file = path.join(out, 'prometheus/broken.test.yml');
  writeFileSync(file, promtoolTestYaml([broken], 'dims-alerts.yml'));
  const r = tool('promtool', ['test', 'rules', 'broken.test.yml'], path.join(out, 'prometheus'));
  assert.notEqual(r.code, 0);
  assert.match(r.out, /FAILED/);
});

test('every alert carries severity, level and the bilingual annotations with runbook and dashboard links', () => {
  const { groups } = parseYaml(readFileSync(path.join(out, 'prometheus/dims-alerts.yml'), 'utf8')) as {
    groups: RuleGroup[];
  };
  const rules = groups.flatMap((g) => g.rules);
  assert.equal(rules.length, build.specs.length);
  for (const r of rules) {
    assert.ok(['warning', 'critical', 'none'].includes(r.labels.severity ?? ''), r.alert);
    assert.ok(['center', 'province', 'nation'].includes(r.labels.level ?? ''), r.alert);
    for (const k of ['summary', 'summary_en', 'description', 'description_en', 'runbook_url', 'dashboard_url'])
      assert.ok(r.annotations[k], `${r.alert} lacks ${k}`);
    assert.ok(r.annotations.runbook_url?.startsWith(DEFAULT_URLS.runbookBase));
    if (r.labels.level === 'center')
      assert.match(r.annotations.dashboard_url ?? '', /var-center=\{\{ \$labels\.center \}\}/);
  }
  // Center-level alerts get province and center from the series; the fixtures prove it (promtool compares all labels).
  for (const s of build.specs.filter((x) => x.rule.labels.level === 'center'))
    for (const e of s.fixture.expected) assert.ok(e.labels.province && e.labels.center, s.rule.alert);
});

test('every indicator with thresholds has a rule per level and severity', () => {
  for (const ind of catalog.indicators.filter((i) => i.thresholds)) {
    const th = ind.thresholds!;
    for (const level of th.levels.filter((l) => ind.levels.includes(l))) {
      for (const sev of ['warning', 'critical'] as const) {
        if (th[sev] === undefined) continue;
        assert.ok(
          build.specs.some(
            (s) =>
              s.rule.alert === indicatorAlertName(ind) &&
              s.rule.labels.level === level &&
              s.rule.labels.severity === sev,
          ),
          `${ind.id} ${level} ${sev}`,
        );
      }
    }
  }
  for (const name of [
    'DimsCollectorTargetDown',
    'DimsCenterRecordsStopped',
    'DimsAgentOutboxGrowing',
    'DimsInletTemperatureOutOfRange',
    'Watchdog',
  ])
    assert.ok(
      build.specs.some((s) => s.rule.alert === name),
      name,
    );
});

test('runbooks exist per alert and explain the computation from the catalog', () => {
  for (const name of new Set(build.specs.map((s) => s.rule.alert)))
    assert.ok(existsSync(path.join(out, 'runbooks', `${name}.md`)), name);
  const pue = readFileSync(path.join(out, 'runbooks/DimsPueHigh.md'), 'utf8');
  const ind = catalog.indicatorById.get('pue')!;
  assert.ok(pue.includes(describeComputation(ind, 'zh')) && pue.includes(describeComputation(ind, 'en')));
  assert.match(pue, /## 中文[\s\S]*## English/);
});

test('amtool accepts the generated Alertmanager config', () => {
  const r = tool('amtool', ['check-config', path.join(out, 'alertmanager/alertmanager.yml')]);
  assert.equal(r.code, 0, r.out);
});

test('routing: province and severity pick the receivers, every alert also reaches the hub history', () => {
  const cfg = path.join(out, 'alertmanager/alertmanager.yml');
  const route = (labels: string[]) =>
    tool('amtool', ['config', 'routes', 'test', `--config.file=${cfg}`, ...labels])
      .out.split('\n')[0]
      ?.trim();
  assert.equal(route(['alertname=DimsPueHigh', 'province=44', 'severity=critical']), 'dims-hub-history,gd-pager');
  assert.equal(route(['alertname=DimsPueHigh', 'province=44', 'severity=warning']), 'dims-hub-history,gd-oncall');
  assert.equal(route(['alertname=DimsPueHigh', 'province=12', 'severity=critical']), 'dims-hub-history,jjj-oncall');
  assert.equal(route(['alertname=DimsPueHigh', 'level=nation', 'severity=critical']), 'dims-hub-history,national-desk');
  assert.equal(route(['alertname=Watchdog', 'severity=none']), 'dims-hub-history,deadman');
  const am = parseYaml(readFileSync(cfg, 'utf8')) as {
    inhibit_rules: Array<{ source_matchers: string[]; target_matchers: string[]; equal: string[] }>;
  };
  assert.deepEqual(
    am.inhibit_rules.map((r) => r.equal),
    [['alertname', 'level', 'province', 'center'], ['center']],
  );
});

test('the routing file is validated: schema errors and unknown receivers are refused', () => {
  const sample = parseYaml(readFileSync(SAMPLE, 'utf8')) as Record<string, unknown>;
  assert.throws(
    () => parseRouting({ ...sample, default_receiver: 'nobody' }),
    /receiver "nobody" is used but not defined/,
  );
  assert.throws(
    () => parseRouting({ ...sample, provinces: [{ codes: ['GD'], receiver: 'gd-oncall' }] }),
    /provinces\/0\/codes\/0/,
  );
  assert.throws(() => parseRouting({ ...sample, hub_history: undefined }), /hub_history/);
});

test('forOverride shortens the for: of every rule, or with forOverrideKinds only those of the kinds named', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-rules-for-'));
  try {
    const all = writeRulesTree(catalog, dir, { routing: loadRouting(SAMPLE), forOverride: '20s' });
    assert.ok(all.specs.every((s) => s.rule.for === undefined || s.rule.for === '20s'));
    const some = writeRulesTree(catalog, dir, {
      routing: loadRouting(SAMPLE),
      forOverride: '20s',
      forOverrideKinds: ['environment'],
    });
    const byKind = (kind: string) => some.specs.filter((s) => s.rule.labels.kind === kind && s.rule.for);
    assert.ok(byKind('environment').length > 0 && byKind('environment').every((s) => s.rule.for === '20s'));
    assert.ok(
      byKind('indicator').every((s) => s.rule.for !== '20s'),
      'indicator rules keep their catalog for:',
    );
    assert.ok(byKind('indicator').some((s) => s.rule.for === '15m'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
