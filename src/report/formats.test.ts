/**
 * @module Every format carries the same numbers as the values it was built from: xlsx read back with exceljs,
 * CSV with its BOM and columns, JSON against the committed schema; the report from stored values (what the
 * hub serves) equals the report from the engine; the same request twice gives the same bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { engineInputs, storageInputs } from './inputs.ts';
import { buildReport, type ReportModel } from './model.ts';
import { byDimension } from './breakdown.ts';
import { renderCsv, CSV_COLUMNS, BOM } from './csv.ts';
import { checkReportJson, renderJson } from './json.ts';
import { renderXlsx } from './xlsx.ts';
import { generateReport } from './render.ts';
import { knownFleet, syntheticOctober } from './testing.ts';
import { t } from './text.ts';
import { openStorage } from '../storage/open.ts';
import { periodWindow } from '../model/periods.ts';
import type { IndicatorValue } from '../model/values.ts';
import type { Storage, StoredValue } from '../storage/types.ts';
import type { ReportInputs } from './inputs.ts';
import { rollUp } from '../records/merge.ts';

const AT = '2026-11-01T03:30:00+08:00';
const syn = syntheticOctober();
const synInputs = engineInputs(syn);

async function readBack(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb;
}

function keyOf(v: IndicatorValue): string {
  return `${v.level}/${v.code}/${v.indicator}`;
}

test('xlsx: sheets, frozen headers, widths, numbers as numbers with formats, equal to the engine values', async () => {
  const values = new Map((await synInputs.values('month', '2026-10')).map((v) => [keyOf(v), v]));
  const model = await buildReport(synInputs, { scope: '44', period: '2026-10', generatedAt: AT });
  const wb = await readBack(await renderXlsx(model));
  assert.deepEqual(
    wb.worksheets.map((w) => w.name),
    ['封面', '指标汇总', '图表', '中心明细-A', '中心明细-B', '中心明细-C', '中心明细-D', '数据质量', '指标说明'],
  );
  for (const ws of wb.worksheets.slice(1).filter((w) => w.name !== '图表')) {
    const view = ws.views[0] as { state?: string; ySplit?: number } | undefined;
    assert.equal(view?.state, 'frozen', `${ws.name} header frozen`);
    assert.ok((view?.ySplit ?? 0) >= 1, ws.name);
    assert.ok((ws.getColumn(1).width ?? 0) > 5, `${ws.name} column width`);
  }
  const sum = wb.getWorksheet('指标汇总')!;
  const head = (sum.getRow(1).values as unknown[]).slice(1);
  const col = (label: string) => head.indexOf(label) + 1;
  assert.ok(col('数值') > 0 && col('全国排名') > 0 && col('环比变化') > 0 && col('同比(%)') > 0);
  let numbers = 0;
  for (let r = 2; r <= 61; r++) {
    const row = sum.getRow(r);
    const code = row.getCell(col('编号')).value as string;
    const ind = syn.catalog.indicators.find((i) => i.code === code)!;
    const engine = values.get(`province/44/${ind.id}`)!;
    const cell = row.getCell(col('数值'));
    if (engine.value === null) assert.equal(cell.value, null, `${code} empty, not 0`);
    else {
      assert.equal(cell.type, ExcelJS.ValueType.Number, `${code} stored as a number`);
      assert.equal(cell.value, engine.value, `${code} equals the engine`);
      assert.ok(cell.numFmt, `${code} has a number format`);
      numbers++;
    }
    const rank = row.getCell(col('全国排名')).value;
    assert.equal(rank, model.summary[r - 2]!.rank);
  }
  assert.ok(numbers > 40);
  // Centers sheets, one per dimension: every center of the province × its center-level indicators, equal to the engine.
  for (const g of byDimension(model)) {
    const ws = wb.getWorksheet(`中心明细-${g.dimension}`)!;
    for (let r = 2; r <= model.breakdown.rows.length + 1; r++) {
      const row = ws.getRow(r);
      const center = row.getCell(1).value as string;
      g.columns.forEach((i, k) => {
        const id = model.breakdown.indicators[i]!;
        const engine = values.get(`center/${center}/${id}`)!;
        assert.equal(row.getCell(4 + k).value ?? null, engine.value, `${center} ${id}`);
      });
    }
  }
  assert.equal(model.breakdown.rows.length, syn.registry.centers.filter((c) => c.province === '44').length);
});

test('xlsx: missed targets are highlighted in the summary and the centers sheet', async () => {
  const known = knownFleet();
  const model = await buildReport(engineInputs(known), { scope: '52', period: '2026-10', generatedAt: AT });
  const wb = await readBack(await renderXlsx(model));
  const ws = wb.getWorksheet('中心明细-C')!;
  const pue = model.breakdown.indicators.indexOf('pue');
  const col =
    4 +
    byDimension(model)
      .find((g) => g.dimension === 'C')!
      .columns.indexOf(pue);
  const fill = (r: number) => (ws.getRow(r).getCell(col).fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb;
  assert.equal(ws.getRow(3).getCell(1).value, 'z2');
  assert.equal(fill(3), 'FFFFC7CE', 'z2 PUE 1.6 misses ≤ 1.5');
  assert.notEqual(fill(2), 'FFFFC7CE', 'z1 PUE 1.2 meets it');
});

test('csv: BOM, the documented columns, one row per level/code/indicator, values equal the engine', async () => {
  const values = new Map((await synInputs.values('month', '2026-10')).map((v) => [keyOf(v), v]));
  const model = await buildReport(synInputs, { scope: '44', period: '2026-10', generatedAt: AT });
  const text = renderCsv(model);
  assert.ok(text.startsWith(BOM));
  const lines = text.slice(1).trimEnd().split('\r\n');
  assert.equal(lines[0], CSV_COLUMNS.map((k) => t(k, 'zh')).join(','));
  const rows = lines.slice(1).map((l) => l.split(','));
  assert.equal(rows.length, 60 + model.breakdown.rows.length * model.breakdown.indicators.length);
  const c = (k: string) => CSV_COLUMNS.indexOf(k as never);
  const seen = new Set<string>();
  for (const r of rows) {
    const k = `${r[c('level')]}/${r[c('code')]}/${r[c('indicator_id')]}`;
    assert.ok(!seen.has(k), `one row per ${k}`);
    seen.add(k);
    const engine = values.get(k)!;
    assert.ok(engine, k);
    assert.equal(r[c('value')] === '' ? null : Number(r[c('value')]), engine.value, k);
  }
  const en = renderCsv(await buildReport(synInputs, { scope: '44', period: '2026-10', generatedAt: AT, lang: 'en' }));
  assert.ok(en.slice(1).startsWith('Level,Code,Name,Dimension,Indicator id,'));
});

test('json: valid against report.schema.json and equal to the engine; the schema refuses a broken document', async () => {
  const values = new Map((await synInputs.values('month', '2026-10')).map((v) => [keyOf(v), v]));
  for (const scope of ['44', 'nation']) {
    const doc = JSON.parse(
      renderJson(await buildReport(synInputs, { scope, period: '2026-10', generatedAt: AT, suppress: true })),
    ) as ReportModel;
    assert.deepEqual(checkReportJson(doc), [], scope);
    const level = scope === 'nation' ? 'nation' : 'province';
    const code = scope === 'nation' ? 'CN' : scope;
    for (const r of doc.summary)
      assert.equal(r.value, values.get(`${level}/${code}/${r.indicator}`)!.value, r.indicator);
  }
  const doc = JSON.parse(
    renderJson(await buildReport(synInputs, { scope: '44', period: '2026-10', generatedAt: AT })),
  ) as Record<string, unknown>;
  (doc.summary as Array<Record<string, unknown>>)[0]!.value = '12';
  const problems = checkReportJson(doc);
  assert.ok(
    problems.some((p) => p.startsWith('/summary/0/value')),
    problems.join('\n'),
  );
});

test('the same request twice gives the same bytes in every format (generation time is an input)', async () => {
  for (const format of ['xlsx', 'csv', 'json'] as const) {
    const a = await generateReport(
      synInputs,
      { scope: 'nation', period: '2026-10', generatedAt: AT, suppress: true },
      format,
    );
    await new Promise((r) => setTimeout(r, format === 'xlsx' ? 2100 : 0)); // zip times have 2 s resolution
    const b = await generateReport(
      synInputs,
      { scope: 'nation', period: '2026-10', generatedAt: AT, suppress: true },
      format,
    );
    assert.ok(a.body.equals(b.body), `${format} bytes differ`);
  }
});

/** Stores the known fleet as a hub holds it after closing October: raw records, October's roll-ups, values. */
async function storeKnown(storage: Storage, known: ReturnType<typeof knownFleet>, engine: ReportInputs): Promise<void> {
  const province = (center: string) => known.registry.byId.get(center)!.province;
  await storage.writeRecords(known.records.map((r) => ({ ...r, province: province(r.center) })));
  const october = periodWindow('month', '2026-10');
  await storage.writeRollups(
    rollUp(known.catalog, october, known.records).map((r) => ({ ...r, kind: 'month', province: province(r.center) })),
  );
  for (const period of ['2026-10', '2026-09', '2025-10']) {
    const w = periodWindow('month', period);
    const vals = await engine.values('month', period);
    await storage.writeValues(
      vals.map((v): StoredValue => ({
        ...v,
        period_kind: 'month',
        period,
        fromMs: w.fromMs,
        toMs: w.toMs,
        province: v.level === 'nation' ? '' : v.level === 'province' ? v.code : province(v.code),
        dimension: known.catalog.indicatorById.get(v.indicator)!.dimension,
        computedAtMs: 0,
      })),
    );
  }
}

test('a report from stored values (what the hub serves) equals the report from the engine', async () => {
  const known = knownFleet();
  const engine = engineInputs(known);
  const storage = await openStorage({ kind: 'sqlite', path: ':memory:' });
  try {
    await storeKnown(storage, known, engine);
    // Filings from the hub's memory or from storage: the same report.
    const filings = known.records.filter((r) => r.source === 'declaration');
    const fromMemory = storageInputs(storage, {
      ...known,
      filingsBefore: async (ms) => filings.filter((r) => r.startMs < ms),
    });
    for (const stored of [storageInputs(storage, known), fromMemory])
      for (const scope of ['44', '52', 'nation']) {
        const a = await buildReport(engine, { scope, period: '2026-10', generatedAt: AT, suppress: true });
        const b = await buildReport(stored, { scope, period: '2026-10', generatedAt: AT, suppress: true });
        assert.deepEqual(b, a, scope);
      }
  } finally {
    await storage.close();
  }
});

test('after raw telemetry has expired, a closed month still tells late centers and last data (from its roll-ups)', async () => {
  const known = knownFleet();
  const engine = engineInputs(known);
  const storage = await openStorage({ kind: 'sqlite', path: ':memory:' });
  try {
    await storeKnown(storage, known, engine);
    await storage.enforceRetention(Date.parse('2027-06-01T00:00:00Z'));
    const october = periodWindow('month', '2026-10');
    assert.equal((await storage.queryRecords({ ...october, source: 'telemetry' })).length, 0, 'raw records gone');
    const a = await buildReport(engine, { scope: '44', period: '2026-10', generatedAt: AT });
    const b = await buildReport(storageInputs(storage, known), { scope: '44', period: '2026-10', generatedAt: AT });
    assert.ok(a.quality.centers.find((c) => c.center === 'g3')!.issues.includes('late'));
    assert.deepEqual(b.quality, a.quality);
  } finally {
    await storage.close();
  }
});
