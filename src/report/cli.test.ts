/**
 * @module `dims report` end to end: offline from records, from a storage config, to each format; bad arguments
 * refused with the option and the value.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { checkReportJson } from './json.ts';
import { openStorage } from '../storage/open.ts';
import { engineInputs } from './inputs.ts';
import { knownFleet } from './testing.ts';
import { periodWindow } from '../model/periods.ts';

const main = path.join(import.meta.dirname, '..', 'cli', 'main.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'dims-report-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const registry = path.join(dir, 'registry.yaml');
writeFileSync(
  registry,
  `centers:
  - { id: c1, name: 一号中心, province: '44', type: general, hub_cluster: null, commission_date: '2020-01-01', size_class: large, racks_design: 1000, racks_installed: 800, it_rated_kw: 2000, grid_capacity_kw: 4000 }
  - { id: c2, name: 二号中心, province: '44', type: intelligent, hub_cluster: null, commission_date: '2021-01-01', size_class: large, racks_design: 1000, racks_installed: 800, it_rated_kw: 2000, grid_capacity_kw: 4000 }
`,
);
const records = path.join(dir, 'records.jsonl');
const line = (c: string, total: number) =>
  JSON.stringify({
    center: c,
    start: '2026-10-01T00:00:00+08:00',
    end: '2026-11-01T00:00:00+08:00',
    metrics: { e_total_kwh: total, e_it_kwh: 1e6 },
  });
writeFileSync(records, `${line('c1', 1.3e6)}\n${line('c2', 1.5e6)}\n`);
const AT = '2026-11-01T03:30:00+08:00';

function dims(...args: string[]) {
  return spawnSync(process.execPath, [main, 'report', ...args], { encoding: 'utf8' });
}

test('offline from records: xlsx, csv and json; the same --generated-at gives the same bytes', async () => {
  const x = path.join(dir, 'gd.xlsx');
  const r = dims(
    '--province',
    '44',
    '--period',
    '2026-10',
    '--registry',
    registry,
    '--records',
    records,
    '--generated-at',
    AT,
    '--out',
    x,
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /wrote .*gd\.xlsx: 广东省 2026-10, 2\/2 centers reported/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(readFileSync(x) as unknown as ArrayBuffer);
  const sum = wb.getWorksheet('指标汇总')!;
  const pueRow = sum.getRows(2, 60)!.find((row) => row.getCell(2).value === 'C01')!;
  assert.equal(pueRow.getCell(6).value, 2.8 / 2);
  const first = readFileSync(x);
  assert.equal(
    dims(
      '--province',
      '44',
      '--period',
      '2026-10',
      '--registry',
      registry,
      '--records',
      records,
      '--generated-at',
      AT,
      '--out',
      x,
    ).status,
    0,
  );
  assert.ok(readFileSync(x).equals(first));

  const c = dims(
    '--province',
    '44',
    '--period',
    '2026-10',
    '--registry',
    registry,
    '--records',
    records,
    '--format',
    'csv',
    '--lang',
    'en',
    '--out',
    '-',
  );
  assert.equal(c.status, 0, c.stderr);
  assert.ok(c.stdout.startsWith('\uFEFFLevel,Code,Name,'));

  const j = path.join(dir, 'cn.json');
  assert.equal(
    dims(
      '--level',
      'nation',
      '--period',
      '2026-Q4',
      '--registry',
      registry,
      '--records',
      records,
      '--suppress',
      '--out',
      j,
    ).status,
    0,
  );
  const doc = JSON.parse(readFileSync(j, 'utf8')) as { level: string; suppression: { enabled: boolean } };
  assert.deepEqual(checkReportJson(doc), []);
  assert.equal(doc.level, 'nation');
  assert.equal(doc.suppression.enabled, true);
});

test('from a storage config: the stored values', async () => {
  const known = knownFleet();
  const db = path.join(dir, 'store.db');
  const storage = await openStorage({ kind: 'sqlite', path: db });
  const vals = await engineInputs(known).values('month', '2026-10');
  const w = periodWindow('month', '2026-10');
  await storage.writeValues(
    vals.map((v) => ({
      ...v,
      period_kind: 'month' as const,
      period: '2026-10',
      fromMs: w.fromMs,
      toMs: w.toMs,
      province: v.level === 'nation' ? '' : v.level === 'province' ? v.code : known.registry.byId.get(v.code)!.province,
      dimension: '',
      computedAtMs: 0,
    })),
  );
  await storage.close();
  const reg = path.join(dir, 'known.json');
  writeFileSync(reg, JSON.stringify({ centers: known.registry.centers }));
  const cfg = path.join(dir, 'storage.yaml');
  writeFileSync(cfg, 'kind: sqlite\npath: store.db\n');
  const out = path.join(dir, 'stored.json');
  const r = dims('--province', '52', '--period', '2026-10', '--storage', cfg, '--registry', reg, '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(readFileSync(out, 'utf8')) as { summary: Array<{ indicator: string; value: number | null }> };
  assert.equal(
    doc.summary.find((s) => s.indicator === 'pue')!.value,
    vals.find((v) => v.level === 'province' && v.code === '52' && v.indicator === 'pue')!.value,
  );
});

test('bad arguments name the option and the value', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--province', '99', '--period', '2026-10', '--out', 'x.xlsx'], /--province: scope "99"/],
    [['--province', '44', '--period', '2026-10-05', '--out', 'x.xlsx'], /--period: period "2026-10-05"/],
    [
      ['--province', '44', '--period', '2026-10', '--format', 'docx', '--out', 'x'],
      /--format must be one of xlsx, csv, json, pdf \(got "docx"\)/,
    ],
    [
      ['--province', '44', '--period', '2026-10', '--lang', 'fr', '--out', 'x.csv'],
      /--lang must be zh or en \(got "fr"\)/,
    ],
    [
      ['--province', '44', '--level', 'nation', '--period', '2026-10', '--out', 'x.csv'],
      /give one of --province, --level nation or --center/,
    ],
    [['--province', '44', '--period', '2026-10'], /option --out is required/],
    [['--province', '44', '--period', '2026-10', '--out', '-'], /xlsx cannot go to stdout/],
    [
      ['--province', '44', '--period', '2026-10', '--out', 'x.csv', '--generated-at', 'now'],
      /--generated-at must be an RFC 3339 time \(got "now"\)/,
    ],
    [
      ['--province', '44', '--period', '2026-10', '--out', 'x.csv', '--registry', registry],
      /option --records is required/,
    ],
  ];
  for (const [args, re] of cases) {
    const r = dims(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
  }
  const missing = dims(
    '--province',
    '44',
    '--period',
    '2026-10',
    '--out',
    path.join(dir, 'y.csv'),
    '--registry',
    path.join(dir, 'nope.yaml'),
    '--records',
    records,
  );
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope\.yaml/);
  const help = dims('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: dims report/);
});
