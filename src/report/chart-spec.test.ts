/** @module The chart spec and the form header are validated data: a wrong id or field is named with its value. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCatalog } from '../catalog/load.ts';
import { chartSpec, checkChartSpec } from './chart-spec.ts';
import { checkForm, formHeader } from './form.ts';

const catalog = defaultCatalog();

test('the shipped charts.yaml is valid; a bad one is named by field and value', () => {
  const spec = chartSpec(catalog);
  assert.ok(spec.trends.includes('pue'));
  const bad = { ...spec, trends: ['pue', 'no_such'], distribution: 'dc_count' };
  assert.throws(
    () => checkChartSpec(bad, catalog),
    (e: Error) =>
      e.message.includes('/trends/1 "no_such" is not an indicator of the catalog') &&
      e.message.includes('/distribution "dc_count" has no center values'),
  );
  assert.throws(() => checkChartSpec({ ...spec, trend_periods: { month: 1, quarter: 8, year: 5 } }, catalog), /month/);
});

test('a form config is checked, and the header fills the unit per scope and the submission date', () => {
  assert.throws(() => checkForm({ table_no: '01', signer: 'x' }, 'hub.yaml'), /hub\.yaml.*signer/);
  const f = checkForm({ unit: '国家数据局', units: { '52': '贵州省大数据发展管理局' }, preparer: '王五' });
  const at = Date.parse('2026-11-01T03:30:00+08:00');
  assert.equal(formHeader(f, '52', at, 'Asia/Shanghai').unit, '贵州省大数据发展管理局');
  assert.equal(formHeader(f, '44', at, 'Asia/Shanghai').unit, '国家数据局');
  assert.equal(formHeader(f, '44', at, 'Asia/Shanghai').submitted, '2026-11-01');
  assert.equal(formHeader(undefined, '44', at, 'Asia/Shanghai').table_no, '');
});
