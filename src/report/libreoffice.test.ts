/**
 * @module The xlsx opens in LibreOffice: headless conversion to CSV (every sheet) and to PDF succeeds, and the
 * summary read back by LibreOffice has the 60 indicators with the same numbers.
 *
 * Needs `soffice` (Debian libreoffice-calc-nogui). When it is missing the test fails and says how to install
 * it: a conversion test that skips is not a test.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { engineInputs } from './inputs.ts';
import { buildReport } from './model.ts';
import { renderXlsx } from './xlsx.ts';
import { knownFleet, syntheticOctober } from './testing.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'dims-report-lo-'));
const profile = `file://${path.join(dir, 'profile')}`;
after(() => rmSync(dir, { recursive: true, force: true }));

function soffice(args: string[]) {
  const r = spawnSync('soffice', [`-env:UserInstallation=${profile}`, '--headless', '--norestore', ...args], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    assert.fail(
      'soffice not found: install LibreOffice Calc (Debian: apt-get install libreoffice-calc-nogui) to run the report conversion tests',
    );
  }
  return r;
}

/** Minimal CSV parsing (quotes, doubled quotes) for LibreOffice's output. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cur);
      cur = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cur);
      rows.push(row);
      row = [];
      cur = '';
    } else cur += ch;
  }
  if (cur !== '' || row.length > 0) {
    row.push(cur);
    rows.push(row);
  }
  return rows;
}

test(
  'LibreOffice converts the provincial and national xlsx to CSV (every sheet) and PDF without errors',
  { timeout: 600_000 },
  async () => {
    const syn = syntheticOctober();
    const inputs = engineInputs(syn);
    const model = await buildReport(inputs, {
      scope: '44',
      period: '2026-10',
      generatedAt: '2026-11-01T03:30:00+08:00',
    });
    const nation = await buildReport(inputs, {
      scope: 'nation',
      period: '2026-10',
      generatedAt: '2026-11-01T03:30:00+08:00',
      suppress: true,
    });
    writeFileSync(path.join(dir, 'p44.xlsx'), await renderXlsx(model));
    writeFileSync(path.join(dir, 'cn.xlsx'), await renderXlsx(nation));
    const out = path.join(dir, 'out');
    // Token 12 = -1: one CSV per sheet (file-Sheet.csv); raw values, not as displayed, so numbers compare exactly.
    const csv = soffice([
      '--convert-to',
      'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
      '--outdir',
      out,
      path.join(dir, 'p44.xlsx'),
      path.join(dir, 'cn.xlsx'),
    ]);
    assert.equal(csv.status, 0, `soffice csv: ${csv.stderr}`);
    assert.doesNotMatch(csv.stderr, /\bError\b/i);
    const files = readdirSync(out).sort();
    for (const sheet of ['封面', '指标汇总', '图表', '中心明细-A', '中心明细-D', '数据质量', '指标说明'])
      assert.ok(files.includes(`p44-${sheet}.csv`), `${sheet} in ${files.join(' ')}`);
    for (const sheet of [
      '封面',
      '指标汇总',
      '分省明细-A',
      '分省明细-全国排名-D',
      '数据质量',
      '分省数据质量',
      '指标说明',
    ])
      assert.ok(files.includes(`cn-${sheet}.csv`), `${sheet} in ${files.join(' ')}`);
    const rows = parseCsv(readFileSync(path.join(out, 'p44-指标汇总.csv'), 'utf8'));
    const head = rows[0]!;
    const vi = head.indexOf('数值');
    const ci = head.indexOf('编号');
    const body = rows.slice(1).filter((r) => /^[A-D]\d\d$/.test(r[ci] ?? ''));
    assert.equal(body.length, 60);
    for (const r of body) {
      const s = model.summary.find((x) => x.code === r[ci])!;
      if (s.value === null) assert.equal(r[vi], '', s.code);
      // LibreOffice writes 15 significant digits.
      else
        assert.ok(
          Math.abs(Number(r[vi]) - s.value) <= 1e-12 * Math.max(1, Math.abs(s.value)),
          `${s.code}: ${r[vi]} vs ${s.value}`,
        );
    }
    const pdf = soffice(['--convert-to', 'pdf', '--outdir', out, path.join(dir, 'p44.xlsx')]);
    assert.equal(pdf.status, 0, `soffice pdf: ${pdf.stderr}`);
    const pdfFile = path.join(out, 'p44.pdf');
    assert.ok(statSync(pdfFile).size > 10_000);
    assert.equal(readFileSync(pdfFile).subarray(0, 5).toString(), '%PDF-');
  },
);

test(
  'LibreOffice reads the no-data statement on the cover of a report for an empty period',
  { timeout: 300_000 },
  async () => {
    const known = knownFleet();
    const model = await buildReport(engineInputs(known), {
      scope: '44',
      period: '2027-01',
      generatedAt: '2027-02-01T03:30:00+08:00',
    });
    const d = mkdtempSync(path.join(tmpdir(), 'dims-report-lo-empty-'));
    try {
      writeFileSync(path.join(d, 'empty.xlsx'), await renderXlsx(model));
      const r = soffice([
        '--convert-to',
        'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1',
        '--outdir',
        d,
        path.join(d, 'empty.xlsx'),
      ]);
      assert.equal(r.status, 0, r.stderr);
      const cover = readFileSync(path.join(d, 'empty-封面.csv'), 'utf8');
      assert.match(cover, /本期无数据/);
      const quality = readFileSync(path.join(d, 'empty-数据质量.csv'), 'utf8');
      assert.match(quality, /本期无数据/);
      assert.match(quality, /未报送/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  },
);
