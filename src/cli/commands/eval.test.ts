/** @module `dims eval` end to end: output shape, and bad input files refused by file, line and field. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const main = path.join(import.meta.dirname, '..', 'main.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'dims-eval-'));
const registry = path.join(dir, 'registry.yaml');
writeFileSync(
  registry,
  `centers:
  - { id: c1, name: C1, province: '44', type: general, hub_cluster: null, commission_date: '2020-01-01',
      size_class: large, racks_design: 1000, racks_installed: 800, it_rated_kw: 2000, grid_capacity_kw: 4000 }
  - { id: c2, name: C2, province: '52', type: intelligent, hub_cluster: guian, commission_date: '2024-01-01',
      size_class: large, racks_design: 1000, racks_installed: 800, it_rated_kw: 2000, grid_capacity_kw: 4000 }
`,
);
const line = (c: string, start: string, end: string, metrics: object) =>
  JSON.stringify({ center: c, start, end, metrics });

function dims(...args: string[]) {
  return spawnSync(process.execPath, [main, 'eval', ...args], { encoding: 'utf8' });
}

test('evaluates every level and prints one JSON document with the documented fields', () => {
  const records = path.join(dir, 'ok.jsonl');
  writeFileSync(
    records,
    [
      line('c1', '2026-10-01T00:00:00+08:00', '2026-11-01T00:00:00+08:00', { e_total_kwh: 12e6, e_it_kwh: 10e6 }),
      line('c2', '2026-10-01T00:00:00+08:00', '2026-11-01T00:00:00+08:00', { e_total_kwh: 1.8e6, e_it_kwh: 1e6 }),
    ].join('\n'),
  );
  const r = dims('--registry', registry, '--records', records, '--format', 'json');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { from: string; to: string; values: Array<Record<string, unknown>> };
  assert.equal(doc.from, '2026-09-30T16:00:00.000Z');
  const nation = doc.values.find((v) => v.level === 'nation' && v.indicator === 'pue')!;
  assert.deepEqual(
    Object.keys(nation).sort(),
    ['centers', 'code', 'coverage', 'denominator', 'indicator', 'level', 'numerator', 'reason', 'unit', 'value'].sort(),
  );
  assert.equal(nation.code, 'CN');
  assert.ok(Math.abs((nation.value as number) - 13.8 / 11) < 1e-12);
  assert.equal(doc.values.filter((v) => v.level === 'nation').length, 60);
  assert.equal(doc.values.filter((v) => v.level === 'province').length, 60 * 31);
  assert.equal(doc.values.filter((v) => v.level === 'center').length, 60 * 2);
});

test('a bad line is reported with file, line and field, and nothing is evaluated', () => {
  const records = path.join(dir, 'bad.jsonl');
  writeFileSync(
    records,
    [
      line('c1', '2026-10-01T00:00:00+08:00', '2026-10-02T00:00:00+08:00', { e_it_kwh: 5 }),
      line('c1', '2026-10-02T00:00:00+08:00', '2026-10-03T00:00:00+08:00', { e_it_kwh: -5 }),
      '{not json',
      line('zz', '2026-10-02T00:00:00+08:00', '2026-10-03T00:00:00+08:00', { e_it_kwh: 1 }),
    ].join('\n'),
  );
  const r = dims('--registry', registry, '--records', records);
  assert.notEqual(r.status, 0);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /bad\.jsonl:2: \/metrics\/e_it_kwh is a negative delta/);
  assert.match(r.stderr, /bad\.jsonl:3: is not valid JSON/);
  assert.match(r.stderr, /bad\.jsonl:4: \/center is not a center of the registry \(got "zz"\)/);
});

test('overlapping intervals of one center are refused naming both lines', () => {
  const records = path.join(dir, 'overlap.jsonl');
  writeFileSync(
    records,
    [
      line('c1', '2026-10-01T00:00:00+08:00', '2026-10-02T00:00:00+08:00', { e_it_kwh: 5 }),
      line('c1', '2026-10-01T12:00:00+08:00', '2026-10-02T12:00:00+08:00', { e_it_kwh: 5 }),
    ].join('\n'),
  );
  const r = dims('--registry', registry, '--records', records);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /overlap\.jsonl:2: \/start telemetry interval of center c1 overlaps the record on line 1/);
});

test('bad options are named', () => {
  assert.match(dims('--registry', registry).stderr, /--records is required/);
  assert.match(dims('--registry', registry, '--records', 'x', '--period', '2026-13').stderr, /2026-13|cannot be read/);
  const missing = dims('--registry', path.join(dir, 'nope.yaml'), '--records', 'x');
  assert.match(missing.stderr, /nope\.yaml: cannot be read/);
});
