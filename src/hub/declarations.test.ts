/** @module Declarations as JSON, CSV (with and without BOM), raw .xlsx and multipart uploads. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { startTestHub, type TestHub } from './test-support.ts';

let hub: TestHub;
before(async () => {
  hub = await startTestHub({ now: () => Date.parse('2026-10-05T02:00:00Z') });
});
after(async () => hub.close());

async function declarations(center: string) {
  return await hub.ctx.storage.queryRecords({
    fromMs: Date.parse('2026-01-01T00:00:00Z'),
    toMs: Date.parse('2026-12-01T00:00:00Z'),
    centers: [center],
    source: 'declaration',
  });
}

test('JSON declarations with a period are stored as declaration records', async () => {
  const r = await hub.call('POST', '/api/v1/declarations', {
    scope: 'admin',
    json: {
      declarations: [{ center: 'gz-01', period: '2026-Q3', metrics: { security_incidents: 1, mlps_l3_valid: true } }],
    },
  });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.accepted, ['gz-01/2026-06-30T16:00:00.000Z/declaration']);
  const d = await declarations('gz-01');
  assert.equal(d.length, 1);
  assert.deepEqual(d[0]!.metrics, { security_incidents: 1, mlps_l3_valid: 1 });
});

test('telemetry metrics cannot be declared; errors name the field and value', async () => {
  const r = await hub.call('POST', '/api/v1/declarations', {
    scope: 'admin',
    json: { declarations: [{ center: 'gz-02', period: '2026-09', metrics: { e_it_kwh: 5 } }] },
  });
  assert.equal(r.status, 400);
  assert.equal(r.body.rejected[0].errors[0].path, '/metrics/e_it_kwh');
  const p = await hub.call('POST', '/api/v1/declarations', {
    scope: 'admin',
    json: { declarations: [{ center: 'gz-02', period: '2026-13', metrics: { diesel_l: 5 } }] },
  });
  assert.equal(p.status, 400);
  assert.equal(p.body.rejected[0].errors[0].path, '/period');
  assert.equal(p.body.rejected[0].errors[0].value, '2026-13');
});

test('CSV with a BOM, Chinese headers and 是/否 booleans; bad rows name their row', async () => {
  const csv =
    '\ufeff数据中心,period,安全事件数,等保三级有效,diesel_l\r\ngd-01,2026-09,2,是,"1,200"\r\ngd-02,2026-09,x,否,\r\n';
  const r = await hub.call('POST', '/api/v1/declarations', {
    scope: 'admin',
    body: csv,
    headers: { 'content-type': 'text/csv; charset=utf-8' },
  });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.accepted, ['gd-01/2026-08-31T16:00:00.000Z/declaration']);
  assert.equal(r.body.rejected[0].row, 'row 3');
  assert.equal(r.body.rejected[0].errors[0].path, '/metrics/security_incidents');
  assert.equal(r.body.rejected[0].errors[0].value, 'x');
  const d = await declarations('gd-01');
  assert.deepEqual(d[0]!.metrics, { security_incidents: 2, mlps_l3_valid: 1, diesel_l: 1200 });
});

test('CSV with an unknown column is refused whole, naming the header', async () => {
  const r = await hub.call('POST', '/api/v1/declarations', {
    scope: 'admin',
    body: 'center,period,bogus\ngd-01,2026-09,1\n',
    headers: { 'content-type': 'text/csv' },
  });
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /bogus/);
});

async function workbook(): Promise<Uint8Array<ArrayBuffer>> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('填报');
  ws.addRow(['center', 'start', 'end', 'outage_min_unplanned', 'important_data_tb']);
  ws.addRow(['bj-01', new Date('2026-08-31T16:00:00Z'), new Date('2026-09-30T16:00:00Z'), 12, 40]);
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

test('.xlsx as a raw body and as a multipart upload', async () => {
  const buf = await workbook();
  const r = await hub.call('POST', '/api/v1/declarations', {
    scope: 'admin',
    body: buf,
    headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.accepted, ['bj-01/2026-08-31T16:00:00.000Z/declaration']);
  const form = new FormData();
  form.append('file', new Blob([buf]), 'filing.xlsx');
  const m = await hub.call('POST', '/api/v1/declarations', { scope: 'admin', body: form });
  assert.equal(m.status, 200, m.text);
  assert.deepEqual((await declarations('bj-01'))[0]!.metrics, { outage_min_unplanned: 12, important_data_tb: 40 });
});

test('an agent declares for its own center only; unsupported types get 415', async () => {
  const own = await hub.call('POST', '/api/v1/declarations', {
    scope: 'agent:gz-01',
    body: 'center,period,diesel_l\ngz-01,2026-08,3\n',
    headers: { 'content-type': 'text/csv' },
  });
  assert.equal(own.status, 200, own.text);
  const other = await hub.call('POST', '/api/v1/declarations', {
    scope: 'agent:gz-01',
    body: 'center,period,diesel_l\ngz-02,2026-08,3\n',
    headers: { 'content-type': 'text/csv' },
  });
  assert.equal(other.status, 403);
  const xml = await hub.call('POST', '/api/v1/declarations', {
    scope: 'admin',
    body: '<x/>',
    headers: { 'content-type': 'application/xml' },
  });
  assert.equal(xml.status, 415);
  const notXlsx = await hub.call('POST', '/api/v1/declarations', {
    scope: 'admin',
    body: new TextEncoder().encode('PK garbage'),
    headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  });
  assert.equal(notXlsx.status, 400);
});
