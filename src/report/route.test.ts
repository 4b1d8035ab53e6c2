/**
 * @module GET /api/v1/reports/:scope/:period.:format on a real listening express app: downloads in each format,
 * scope checks through the `authorize` function the hub passes, and bad parameters named in the error.
 */
import { test, after } from 'node:test';
import { closePdfEngine, PDF_LIMITS } from './pdf.ts';
import assert from 'node:assert/strict';
import express, { type Request, type Response, type NextFunction } from 'express';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { reportRouter, type ReportRouteEvent } from './route.ts';
import { engineInputs } from './inputs.ts';
import { buildReport } from './model.ts';
import { knownFleet } from './testing.ts';

const NOW = Date.parse('2026-11-01T03:30:00+08:00');
const fleet = knownFleet();
const inputs = engineInputs(fleet);
const events: ReportRouteEvent[] = [];

// A stand-in for the hub's token middleware: `Authorization: Bearer nation|province:44`.
function auth(req: Request, res: Response, next: NextFunction) {
  const m = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
  if (!m)
    return void res
      .status(401)
      .json({ error: { code: 'DIMS_ERR_UNAUTHENTICATED', message: 'a valid bearer token is required' } });
  res.locals.scope = m[1];
  next();
}

const app = express();
app.use(
  reportRouter({
    inputs,
    before: [auth],
    authorize: (_req, res, scope) => res.locals.scope === 'nation' || res.locals.scope === `province:${scope}`,
    authorizeCenter: (_req, res, center, province) =>
      res.locals.scope === 'nation' ||
      res.locals.scope === `province:${province}` ||
      res.locals.scope === `center:${center}`,
    now: () => NOW,
    onReport: (e) => events.push(e),
  }),
);
app.use(
  (err: Error, _req: Request, res: Response, _next: NextFunction) =>
    void res.status(500).json({ error: { code: 'DIMS_ERR_INTERNAL', message: err.message } }),
);
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(async () => {
  server.close();
  await closePdfEngine();
});

const get = (p: string, token?: string) =>
  fetch(`${base}${p}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

test('a provincial token downloads its province in xlsx, csv and json', async () => {
  const x = await get('/api/v1/reports/44/2026-10.xlsx', 'province:44');
  assert.equal(x.status, 200);
  assert.equal(x.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(x.headers.get('content-disposition'), 'attachment; filename="44-2026-10.zh.xlsx"');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await x.arrayBuffer());
  assert.equal(wb.worksheets[1]!.name, '指标汇总');

  const c = await get('/api/v1/reports/44/2026-Q4.csv?lang=en', 'province:44');
  assert.equal(c.status, 200);
  assert.match(c.headers.get('content-type')!, /^text\/csv/);
  const text = await c.text();
  assert.ok(text.startsWith('Level,Code,'), 'fetch strips the BOM when decoding; the header follows');

  const j = await get('/api/v1/reports/44/2026-10.json', 'province:44');
  assert.equal(j.status, 200);
  const doc = await j.json();
  assert.deepEqual(
    doc,
    JSON.parse(
      JSON.stringify(await buildReport(inputs, { scope: '44', period: '2026-10', generatedAt: new Date(NOW) })),
    ),
  );
  assert.ok(events.some((e) => e.scope === '44' && e.format === 'xlsx' && e.result === 'ok' && e.bytes > 0));
});

test('the national report needs a nation token; a province token may not read another province', async () => {
  assert.equal((await get('/api/v1/reports/nation/2026-10.json?suppress=true', 'nation')).status, 200);
  const n = await get('/api/v1/reports/nation/2026-10.json', 'province:44');
  assert.equal(n.status, 403);
  assert.equal(((await n.json()) as { error: { code: string } }).error.code, 'DIMS_ERR_FORBIDDEN');
  const p = await get('/api/v1/reports/52/2026-10.xlsx', 'province:44');
  assert.equal(p.status, 403);
  assert.equal(((await p.json()) as { error: { code: string } }).error.code, 'DIMS_ERR_PROVINCE_FORBIDDEN');
  assert.equal((await get('/api/v1/reports/44/2026-10.xlsx')).status, 401);
});

test('bad scope, period, format or flag: 400 naming the field and the value', async () => {
  for (const [p, field, value] of [
    ['/api/v1/reports/99/2026-10.xlsx', 'scope', '99'],
    ['/api/v1/reports/44/2026-13.xlsx', 'period', '2026-13'],
    ['/api/v1/reports/44/2026-10-05.csv', 'period', '2026-10-05'],
    ['/api/v1/reports/44/2026-10.docx', 'format', 'docx'],
    ['/api/v1/reports/44/2026-10.csv?lang=fr', 'lang', 'fr'],
    ['/api/v1/reports/nation/2026-10.csv?suppress=maybe', 'suppress', 'maybe'],
  ] as const) {
    const r = await get(p, 'nation');
    assert.equal(r.status, 400, p);
    const body = (await r.json()) as {
      error: { code: string; message: string; details: { field: string; value: unknown } };
    };
    assert.equal(body.error.code, 'DIMS_ERR_BAD_PARAMETER', p);
    assert.deepEqual(body.error.details, { field, value }, p);
    assert.match(body.error.message, new RegExp(value), p);
  }
});

test('a failing input goes to the error handler and is counted', async () => {
  const broken = express();
  broken.use(
    reportRouter({
      inputs: {
        ...inputs,
        values: async () => {
          throw new Error('storage down');
        },
      },
      authorize: () => true,
      onReport: (e) => events.push(e),
    }),
  );
  broken.use(
    (err: Error, _req: Request, res: Response, _next: NextFunction) =>
      void res.status(503).json({ error: { code: 'DIMS_ERR_STORAGE_UNAVAILABLE', message: err.message } }),
  );
  const s = broken.listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  try {
    const r = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/api/v1/reports/44/2026-10.xlsx`);
    assert.equal(r.status, 503);
    assert.ok(events.some((e) => e.result === 'error'));
  } finally {
    s.close();
  }
});

test("a center's own report: its center token and its province read it, others may not", async () => {
  const j = await get('/api/v1/reports/center/g1/2026-10.json', 'center:g1');
  assert.equal(j.status, 200);
  assert.equal(j.headers.get('content-disposition'), 'attachment; filename="center-g1-2026-10.zh.json"');
  const doc = (await j.json()) as { level: string; scope: { code: string }; province: { code: string } };
  assert.deepEqual([doc.level, doc.scope.code, doc.province.code], ['center', 'g1', '44']);
  assert.equal((await get('/api/v1/reports/center/g1/2026-10.csv', 'province:44')).status, 200);
  assert.equal((await get('/api/v1/reports/center/g1/2026-10.csv', 'center:g2')).status, 403);
  assert.equal((await get('/api/v1/reports/center/g1/2026-10.csv', 'province:52')).status, 403);
  const unknown = await get('/api/v1/reports/center/nope/2026-10.csv', 'nation');
  assert.equal(unknown.status, 400);
  assert.deepEqual(((await unknown.json()) as { error: { details: unknown } }).error.details, {
    field: 'center',
    value: 'nope',
  });
});

test('pdf over HTTP; without Chromium a 503 that names what to install, never a broken file', async () => {
  const p = await get('/api/v1/reports/44/2026-10.pdf', 'province:44');
  assert.equal(p.status, 200);
  assert.equal(p.headers.get('content-type'), 'application/pdf');
  assert.equal(
    Buffer.from(await p.arrayBuffer())
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );
  const saved = process.env.DIMS_CHROMIUM;
  process.env.DIMS_CHROMIUM = '/nonexistent/chromium';
  try {
    const r = await get('/api/v1/reports/center/g1/2026-10.pdf', 'center:g1');
    assert.equal(r.status, 503);
    assert.match(r.headers.get('content-type') ?? '', /application\/json/);
    const body = (await r.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'DIMS_ERR_REPORT_ENGINE_MISSING');
    assert.match(body.error.message, /DIMS_CHROMIUM/);
  } finally {
    if (saved === undefined) delete process.env.DIMS_CHROMIUM;
    else process.env.DIMS_CHROMIUM = saved;
  }
});

test('more PDF prints at once than the limit and its queue: 503 DIMS_ERR_REPORT_BUSY with Retry-After', async () => {
  const saved = { ...PDF_LIMITS };
  Object.assign(PDF_LIMITS, { concurrent: 1, waiting: 1 });
  try {
    const answers = await Promise.all(['44', '52', '11'].map((p) => get(`/api/v1/reports/${p}/2026-10.pdf`, 'nation')));
    const busy = answers.filter((r) => r.status === 503);
    assert.deepEqual(
      answers.map((r) => r.status).sort(),
      [200, 200, 503],
      'one prints, one waits its turn, one is refused',
    );
    assert.equal(busy[0]!.headers.get('retry-after'), '5');
    const body = (await busy[0]!.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'DIMS_ERR_REPORT_BUSY');
    for (const r of answers.filter((a) => a.status === 200))
      assert.equal(
        Buffer.from(await r.arrayBuffer())
          .subarray(0, 5)
          .toString(),
        '%PDF-',
      );
  } finally {
    Object.assign(PDF_LIMITS, saved);
  }
});
