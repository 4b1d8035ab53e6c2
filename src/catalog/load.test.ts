/** @module Tests of the catalog loader: the real catalog loads whole, and each kind of broken catalog is refused by name. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCatalog } from './load.ts';
import { CatalogError, type CatalogProblem } from './errors.ts';
import { CATALOG_DIR, DIMENSION_DIRS, PROJECT_ROOT } from './paths.ts';

/** The 60 binding ids of the brief, by code. */
const EXPECTED: Record<string, string> = {
  A01: 'dc_count',
  A02: 'racks_installed',
  A03: 'it_rated_mw',
  A04: 'compute_total_ef',
  A05: 'compute_ai_ef',
  A06: 'ai_share',
  A07: 'hpc_share',
  A08: 'it_pipeline_mw',
  A09: 'storage_eb',
  A10: 'flash_share',
  A11: 'rack_density_kw',
  A12: 'compute_per_rack',
  A13: 'rack_growth_yoy',
  A14: 'hub_compute_share',
  A15: 'hub_new_compute_share',
  B01: 'rack_occupancy',
  B02: 'rack_build_ratio',
  B03: 'it_load_util',
  B04: 'accel_util',
  B05: 'accel_alloc',
  B06: 'accel_idle_share',
  B07: 'cpu_util',
  B08: 'storage_util',
  B09: 'compute_delivered',
  B10: 'compute_per_kw',
  B11: 'sched_share',
  B12: 'power_cap_util',
  B13: 'low_eff_dc_count',
  B14: 'hub_util_gap',
  B15: 'energy_per_compute',
  C01: 'pue',
  C02: 'pue_new_large',
  C03: 'pue_gt_1_5_count',
  C04: 'clf',
  C05: 'plf',
  C06: 'liquid_share',
  C07: 'wue',
  C08: 'ref',
  C09: 'green_new_hub',
  C10: 'cue',
  C11: 'co2_t',
  C12: 'erf',
  C13: 'carbon_per_compute',
  C14: 'electricity_gwh',
  C15: 'dr_share',
  D01: 'dom_accel_share',
  D02: 'dom_compute_share',
  D03: 'dom_cpu_share',
  D04: 'dom_accel_util',
  D05: 'availability',
  D06: 'outage_count',
  D07: 'sec_incidents',
  D08: 'mlps_rate',
  D09: 'dr_coverage',
  D10: 'lat_city_p95',
  D11: 'lat_region_p95',
  D12: 'lat_hub_p95',
  D13: 'wan_gbps',
  D14: 'platform_rate',
  D15: 'traffic_pb',
};

const CLI = path.join(PROJECT_ROOT, 'src', 'cli', 'main.ts');

describe('the real catalog', () => {
  const catalog = loadCatalog();

  test('has 60 indicators, 15 per dimension', () => {
    assert.equal(catalog.indicators.length, 60);
    for (const d of ['A', 'B', 'C', 'D'])
      assert.equal(catalog.indicators.filter((i) => i.dimension === d).length, 15, `dimension ${d}`);
  });

  test('uses exactly the brief ids and codes', () => {
    assert.deepEqual(Object.fromEntries(catalog.indicators.map((i) => [i.code, i.id])), EXPECTED);
  });

  test('each indicator sits in its dimension folder as <code>-<id>.yaml', () => {
    for (const i of catalog.indicators) {
      assert.equal(path.basename(i.file), `${i.code}-${i.id}.yaml`);
      assert.equal(path.basename(path.dirname(i.file)), DIMENSION_DIRS[i.dimension]);
    }
  });

  test('has at most one official target per indicator, and every decision in both languages', () => {
    for (const i of catalog.indicators) {
      assert.ok(i.targets.filter((t) => t.official).length <= 1, i.code);
      if (i.decision) assert.ok(i.decision.zh && i.decision.en, i.code);
    }
  });

  test('indicators that make no sense for one center are not offered at center level', () => {
    for (const id of [
      'dc_count',
      'rack_growth_yoy',
      'hub_compute_share',
      'hub_new_compute_share',
      'low_eff_dc_count',
      'hub_util_gap',
      'pue_gt_1_5_count',
      'mlps_rate',
      'platform_rate',
    ]) {
      assert.ok(!catalog.indicatorById.get(id)!.levels.includes('center'), id);
    }
  });
});

/** One way of breaking a copy of the catalog, and what the loader must say about it. */
interface BrokenCase {
  name: string;
  /** File relative to the catalog folder. */
  file: string;
  /** Text transform of the file, or `delete`. */
  change: ((text: string) => string) | 'delete';
  /** The problem expected: the file it names (suffix), the field (JSON pointer) and the offending value. */
  expect: { file: string; path: string; value?: unknown; message?: RegExp };
}

function replaceOnce(text: string, from: string | RegExp, to: string): string {
  const next = text.replace(from, to);
  assert.notEqual(next, text, `test setup: ${String(from)} not found`);
  return next;
}

const A = DIMENSION_DIRS.A;
const B = DIMENSION_DIRS.B;
const C = DIMENSION_DIRS.C;
const D = DIMENSION_DIRS.D;

const CASES: BrokenCase[] = [
  {
    name: 'duplicate id',
    file: `${B}/B02-rack_build_ratio.yaml`,
    change: (t) => replaceOnce(t, /^id: rack_build_ratio$/m, 'id: rack_occupancy'),
    expect: { file: 'B02-rack_build_ratio.yaml', path: '/id', value: 'rack_occupancy', message: /also used by/ },
  },
  {
    name: 'duplicate code',
    file: `${B}/B02-rack_build_ratio.yaml`,
    change: (t) => replaceOnce(t, /^code: B02$/m, 'code: B01'),
    expect: { file: 'B02-rack_build_ratio.yaml', path: '/code', value: 'B01', message: /also used by/ },
  },
  {
    name: '14 indicators in a dimension',
    file: `${D}/D15-traffic_pb.yaml`,
    change: 'delete',
    expect: { file: 'indicators/', path: '/D', value: 14, message: /exactly 15/ },
  },
  {
    name: 'unknown raw metric',
    file: `${C}/C04-clf.yaml`,
    change: (t) =>
      replaceOnce(
        replaceOnce(t, 'numerator: { metric: e_cooling_kwh }', 'numerator: { metric: e_chiller_kwh }'),
        'raw_metrics: [e_cooling_kwh,',
        'raw_metrics: [e_chiller_kwh,',
      ),
    expect: { file: 'C04-clf.yaml', path: '/computation', value: 'e_chiller_kwh', message: /undeclared raw metric/ },
  },
  {
    name: 'raw_metrics list missing a metric the computation reads',
    file: `${C}/C05-plf.yaml`,
    change: (t) => replaceOnce(t, 'raw_metrics: [e_loss_kwh, e_it_kwh]', 'raw_metrics: [e_loss_kwh]'),
    expect: { file: 'C05-plf.yaml', path: '/raw_metrics', value: 'e_it_kwh', message: /must list every metric/ },
  },
  {
    name: 'raw_metrics list naming a metric the computation does not read',
    file: `${C}/C05-plf.yaml`,
    change: (t) =>
      replaceOnce(t, 'raw_metrics: [e_loss_kwh, e_it_kwh]', 'raw_metrics: [e_loss_kwh, e_it_kwh, water_m3]'),
    expect: { file: 'C05-plf.yaml', path: '/raw_metrics', value: 'water_m3', message: /does not read/ },
  },
  {
    name: 'wrong scale for the unit',
    file: `${A}/A03-it_rated_mw.yaml`,
    change: (t) => replaceOnce(t, 'scale: 0.001', 'scale: 0.01'),
    expect: { file: 'A03-it_rated_mw.yaml', path: '/unit', value: 'MW', message: /needs scale 0\.001/ },
  },
  {
    name: 'filter on an unknown attribute',
    file: `${C}/C02-pue_new_large.yaml`,
    change: (t) => replaceOnce(t, '{ attr: is_large, eq: true }', '{ attr: is_huge, eq: true }'),
    expect: {
      file: 'C02-pue_new_large.yaml',
      path: '/computation',
      value: 'is_huge',
      message: /attribute the registry does not have/,
    },
  },
  {
    name: 'filter value the attribute cannot take',
    file: `${A}/A01-dc_count.yaml`,
    change: (t) => replaceOnce(t, '{ attr: status, eq: operating }', '{ attr: status, eq: running }'),
    expect: { file: 'A01-dc_count.yaml', path: '/computation', value: 'running', message: /value it cannot take/ },
  },
  {
    name: 'unknown source id',
    file: `${C}/C01-pue.yaml`,
    change: (t) => replaceOnce(t, 'source: S7,', 'source: S99,'),
    expect: { file: 'C01-pue.yaml', path: '/targets/0/source', value: 'S99', message: /not in sources\.yaml/ },
  },
  {
    name: 'cycle through derived operands',
    file: `${A}/A13-rack_growth_yoy.yaml`,
    change: (t) =>
      replaceOnce(
        t,
        '[ { indicator: racks_installed }, { indicator: racks_installed, shift: P1Y } ]',
        '[ { indicator: rack_growth_yoy }, { indicator: racks_installed, shift: P1Y } ]',
      ),
    expect: {
      file: 'A13-rack_growth_yoy.yaml',
      path: '/computation',
      message: /cycle: rack_growth_yoy → rack_growth_yoy/,
    },
  },
  {
    name: 'invalid YAML',
    file: `${C}/C01-pue.yaml`,
    change: (t) => replaceOnce(t, 'levels: [center, province, nation]', 'levels: [center, province, nation'),
    expect: { file: 'C01-pue.yaml', path: '/', message: /not valid YAML/ },
  },
  {
    name: 'schema violation',
    file: `${C}/C01-pue.yaml`,
    change: (t) => replaceOnce(t, 'direction: lower', 'direction: down'),
    expect: { file: 'C01-pue.yaml', path: '/direction', value: 'down' },
  },
];

function brokenCopy(c: BrokenCase): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-catalog-'));
  cpSync(CATALOG_DIR, dir, { recursive: true });
  const file = path.join(dir, c.file);
  if (c.change === 'delete') unlinkSync(file);
  else writeFileSync(file, c.change(readFileSync(file, 'utf8')));
  return dir;
}

function problemsOf(dir: string): CatalogProblem[] {
  try {
    loadCatalog(dir);
  } catch (err) {
    assert.ok(err instanceof CatalogError, `expected a CatalogError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail('the broken catalog loaded');
}

describe('a broken catalog is refused with file, field and value', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  for (const c of CASES) {
    test(c.name, () => {
      const dir = brokenCopy(c);
      dirs.push(dir);
      const problems = problemsOf(dir);
      const hit = problems.find(
        (p) =>
          p.file.endsWith(c.expect.file) &&
          p.path === c.expect.path &&
          (!('value' in c.expect) || p.value === c.expect.value) &&
          (!c.expect.message || c.expect.message.test(p.message)),
      );
      assert.ok(
        hit,
        `no problem like ${JSON.stringify({ ...c.expect, message: String(c.expect.message) })} in:\n` +
          problems.map((p) => JSON.stringify(p)).join('\n'),
      );
      const err = new CatalogError(problems);
      assert.ok(err.message.includes(c.expect.file), 'the message names the file');
      assert.ok(err.message.includes(c.expect.path), 'the message names the field');
      if ('value' in c.expect)
        assert.ok(err.message.includes(JSON.stringify(c.expect.value)), 'the message names the value');
    });
  }
});

function dims(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
}

describe('dims catalog', () => {
  let bad = '';
  before(() => {
    bad = brokenCopy(CASES.find((c) => c.name === 'wrong scale for the unit')!);
  });
  after(() => rmSync(bad, { recursive: true, force: true }));

  test('check exits 0 with a summary line on the real catalog', () => {
    const r = dims(['catalog', 'check', '--dir', CATALOG_DIR]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^60 indicators in 4 dimensions, \d+ raw metrics, 31 provinces: ok/);
  });

  test('check exits non-zero naming file and field on a broken catalog', () => {
    const r = dims(['catalog', 'check', '--dir', bad]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /A03-it_rated_mw\.yaml: \/unit .*needs scale 0\.001.*\(got "MW"\)/);
    assert.equal(r.stdout, '');
  });

  test('list --format json prints the 60 indicators as a JSON array', () => {
    const r = dims(['catalog', 'list', '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const list = JSON.parse(r.stdout) as Array<{ code: string; id: string; file?: string }>;
    assert.equal(list.length, 60);
    assert.deepEqual(Object.fromEntries(list.map((i) => [i.code, i.id])), EXPECTED);
    assert.ok(
      list.every((i) => i.file === undefined),
      'no loader-internal fields',
    );
  });
});
