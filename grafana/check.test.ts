/** @module Structural tests of the generated dashboards and provisioning tree, and proof that the checker catches each kind of mistake. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Dashboard, Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { defaultCatalog } from '../src/catalog/load.ts';
import { buildDashboards, writeGrafanaTree } from './build.ts';
import { checkDashboard, checkDashboards, collectQueries, referencedVariables } from './check.ts';
import { PROVISIONED_UIDS } from './lib/datasources.ts';
import { UIDS } from './lib/links.ts';

const catalog = defaultCatalog();
const clone = (d: Dashboard): Dashboard => JSON.parse(JSON.stringify(d)) as Dashboard;

test('every dashboard builds in both languages and passes the structural checks', () => {
  for (const lang of ['zh', 'en'] as const) {
    const dashboards = buildDashboards(catalog, lang);
    assert.equal(dashboards.length, 9);
    assert.deepEqual(checkDashboards(dashboards), []);
    for (const d of dashboards) assert.equal(d.schemaVersion, 36, `${d.uid} is Grafana 10.4 schema`);
  }
});

test('uids are unique and fixed', () => {
  const uids = buildDashboards(catalog).map((d) => d.uid);
  assert.equal(new Set(uids).size, uids.length);
  assert.deepEqual(uids, [
    UIDS.nation,
    UIDS.province,
    UIDS.center,
    'dims-dimension-a',
    'dims-dimension-b',
    'dims-dimension-c',
    'dims-dimension-d',
    UIDS.collectors,
    UIDS.alerts,
  ]);
});

test('the nation dashboard shows all 60 indicators in four dimension rows, with units and target colours', () => {
  const nation = buildDashboards(catalog).find((d) => d.uid === UIDS.nation) as Dashboard;
  const rows = (nation.panels ?? []).filter((p) => p.type === 'row').map((p) => p.title);
  assert.deepEqual(
    rows.slice(0, 4).map((t) => t?.slice(0, 1)),
    ['A', 'B', 'C', 'D'],
  );
  const stats = (nation.panels ?? []).filter((p) => p.type === 'stat') as Panel[];
  assert.equal(stats.length, 60);
  for (const ind of catalog.indicators) {
    const panel = stats.find((p) => p.title?.startsWith(`${ind.code} `));
    assert.ok(panel, `no stat for ${ind.code}`);
    assert.ok(panel.fieldConfig?.defaults?.unit, `${ind.code} has a unit`);
    assert.ok((panel.fieldConfig?.defaults?.thresholds?.steps ?? []).length >= 1);
  }
  const pue = stats.find((p) => p.title?.startsWith('C01 '));
  assert.deepEqual(
    pue?.fieldConfig?.defaults?.thresholds?.steps,
    [
      { value: null, color: 'green' },
      { value: 1.5, color: 'red' },
    ],
    'PUE ≤ 1.5 target: green below, red from 1.5',
  );
  const types = new Set((nation.panels ?? []).map((p) => p.type));
  for (const t of ['geomap', 'table', 'timeseries']) assert.ok(types.has(t), `nation has a ${t} panel`);
});

test('the map carries every registry province with its coordinates', () => {
  const nation = buildDashboards(catalog, 'en').find((d) => d.uid === UIDS.nation) as Dashboard;
  const map = (nation.panels ?? []).find((p) => p.type === 'geomap') as Panel | undefined;
  const csv = (map?.targets ?? []).map((t: object) => (t as { csvContent?: string }).csvContent).find(Boolean) ?? '';
  const lines = csv.split('\n');
  assert.equal(lines.length, catalog.provinces.length + 1);
  assert.ok(lines.includes('"44",Guangdong,23.129,113.264'), csv.slice(0, 200));
});

test('drill-down links go nation → province → center and keep the time range', () => {
  const text = JSON.stringify(buildDashboards(catalog));
  assert.match(text, /\/d\/dims-province\?var-province=\$\{__data\.fields\.code\}&\$\{__url_time_range\}/);
  assert.match(text, /\/d\/dims-center\?var-province=\$province&var-center=\$\{__value\.raw\}&\$\{__url_time_range\}/);
  for (const d of buildDashboards(catalog))
    assert.ok(
      (d.links ?? []).some((l) => l.keepTime && l.type === 'dashboards'),
      `${d.uid} links the other dashboards keeping time`,
    );
});

test('the English build has English titles', () => {
  const en = buildDashboards(catalog, 'en').find((d) => d.uid === UIDS.nation) as Dashboard;
  assert.match(en.title ?? '', /national/);
  assert.ok((en.panels ?? []).some((p) => p.title === 'C01 Power usage effectiveness (PUE)'));
});

test('every query is collected, names a provisioned datasource and has text', () => {
  for (const d of buildDashboards(catalog)) {
    for (const q of collectQueries(d)) {
      assert.ok(PROVISIONED_UIDS.includes(q.datasourceUid), `${q.dashboard} ${q.where}: ${q.datasourceUid}`);
      assert.ok(q.text.length > 0 || q.language === 'static', `${q.dashboard} ${q.where} has no query text`);
    }
  }
});

test('referencedVariables finds $var, ${var}, ${var:fmt} and [[var]] but not Grafana macros', () => {
  assert.deepEqual(referencedVariables('"province" =~ /^$province$/ AND $timeFilter GROUP BY time($__interval)'), [
    'province',
  ]);
  assert.deepEqual(referencedVariables('x{center=~"${center:regex}"}[$__rate_interval] [[region]]'), [
    'center',
    'region',
  ]);
});

test('the checker reports undeclared variables, foreign datasources, overlaps, overflow and duplicate uids', () => {
  const [nation, province] = buildDashboards(catalog);
  const a = clone(province as Dashboard);
  a.templating = { list: [] };
  assert.ok(checkDashboard(a).some((p) => p.includes('$province, which is not a declared variable')));

  const b = clone(nation as Dashboard);
  const stat = (b.panels ?? []).find((p) => p.type === 'stat');
  if (stat) stat.datasource = { type: 'influxdb', uid: 'somebody-elses' };
  assert.ok(checkDashboard(b).some((p) => p.includes('"somebody-elses", which is not provisioned')));

  const c = clone(nation as Dashboard);
  const [p1, p2] = (c.panels ?? []).filter((p) => p.type === 'stat');
  if (p1 && p2) p2.gridPos = { ...(p1.gridPos as { x: number; y: number; w: number; h: number }) };
  assert.ok(checkDashboard(c).some((p) => p.includes('overlaps')));

  const d = clone(nation as Dashboard);
  const wide = (d.panels ?? []).find((p) => p.type === 'stat');
  if (wide) wide.gridPos = { x: 20, y: 200, w: 6, h: 4 };
  assert.ok(checkDashboard(d).some((p) => p.includes('does not fit the 24-column grid')));

  assert.ok(checkDashboards([nation as Dashboard, clone(nation as Dashboard)]).some((p) => p.includes('used twice')));
});

test('the provisioning tree has datasources with fixed uids, a provider and one JSON file per dashboard', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'dims-grafana-'));
  try {
    writeGrafanaTree(catalog, out, { influxDatabase: 'dims_prod' });
    const ds = parseYaml(readFileSync(path.join(out, 'provisioning/datasources/dims.yaml'), 'utf8')) as {
      datasources: Array<{ uid: string; type: string; jsonData?: { dbName?: string } }>;
    };
    assert.deepEqual(ds.datasources.map((x) => x.uid).sort(), [...PROVISIONED_UIDS].sort());
    assert.equal(ds.datasources.find((x) => x.type === 'influxdb')?.jsonData?.dbName, 'dims_prod');
    const prov = parseYaml(readFileSync(path.join(out, 'provisioning/dashboards/dims.yaml'), 'utf8')) as {
      providers: Array<{ type: string; options: { path: string } }>;
    };
    assert.equal(prov.providers[0]?.type, 'file');
    const files = readdirSync(path.join(out, 'dashboards')).sort();
    assert.equal(files.length, 9);
    for (const f of files)
      assert.equal(
        (JSON.parse(readFileSync(path.join(out, 'dashboards', f), 'utf8')) as Dashboard).uid,
        f.replace(/\.json$/, ''),
      );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
