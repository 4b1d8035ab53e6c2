/**
 * @module The permission matrix: every endpoint × every scope (and no token), asserted from one table.
 * A provincial token gets 403 for any other province; writers cannot read; readers cannot write.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestHub, telemetry, SCOPES, type TestHub } from './test-support.ts';
import { linkSecret, signedLink } from '../report/delivery/links.ts';

let hub: TestHub;
const T0 = Date.parse('2026-10-05T02:00:00Z');

// A reports folder as the schedule leaves it: one indexed file, its signing secret, a delivery log of two provinces.
const reportsDir = mkdtempSync(path.join(tmpdir(), 'dims-permissions-reports-'));
const reportFile = 'month/2026-09/52-2026-09.zh.csv';
mkdirSync(path.join(reportsDir, 'month', '2026-09'), { recursive: true });
writeFileSync(path.join(reportsDir, reportFile), 'a,b\r\n');
const indexEntry = { kind: 'month', period: '2026-09', scope: '52', lang: 'zh', format: 'csv', file: reportFile };
writeFileSync(
  path.join(reportsDir, 'index.json'),
  JSON.stringify({ reports: [{ ...indexEntry, status: 'ok', generated_at: '2026-10-01T00:00:00Z', attempts: 1 }] }),
);
const delivered = (scope: string) => ({
  at: '2026-10-01T00:00:00Z',
  kind: 'month',
  period: '2026-09',
  scope,
  lang: 'zh',
  channel: 'email',
  target: 'bureau@example.org',
  status: 'sent',
  attempts: 1,
});
writeFileSync(
  path.join(reportsDir, 'deliveries.json'),
  JSON.stringify({ deliveries: [delivered('52'), delivered('44')] }),
);
const link = new URL(signedLink('http://hub', linkSecret(reportsDir), reportFile, T0 + 30 * 86_400_000));
const linkPath = `${link.pathname}${link.search}`;

before(async () => {
  hub = await startTestHub({
    now: () => T0 + 3_600_000,
    config: { reports: { dir: reportsDir, monthly: '', quarterly: '' } },
  });
});
after(async () => {
  await hub.close();
  rmSync(reportsDir, { recursive: true, force: true });
});

type Scope = (typeof SCOPES)[number] | 'none';
const ALL: Scope[] = ['none', ...SCOPES];
const READERS: Scope[] = ['nation', 'admin', 'province:52', 'province:44'];
const NATIONAL: Scope[] = ['nation', 'admin'];
const alert = {
  version: '4',
  status: 'firing',
  receiver: 'oncall',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'PueHigh', province: '52' },
      annotations: {},
      startsAt: '2026-10-05T02:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: 'abc123',
    },
  ],
};

interface Row {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  json?: unknown;
  /** Scopes that get 2xx; every other scope gets 403 (401 without a token). */
  allowed: Scope[];
  /** Endpoints open without a token. */
  open?: boolean;
}

const rows: Row[] = [
  { name: 'healthz', method: 'GET', path: '/healthz', allowed: ALL, open: true },
  { name: 'readyz', method: 'GET', path: '/readyz', allowed: ALL, open: true },
  { name: 'openapi', method: 'GET', path: '/api/v1/openapi.json', allowed: ALL, open: true },
  { name: 'metrics', method: 'GET', path: '/metrics', allowed: READERS },
  {
    name: 'records own center',
    method: 'POST',
    path: '/api/v1/records',
    json: { records: [telemetry('gz-01', T0)] },
    allowed: ['agent:gz-01', 'federate:52'],
  },
  {
    name: 'records other province',
    method: 'POST',
    path: '/api/v1/records',
    json: { records: [telemetry('gd-01', T0)] },
    allowed: ['agent:gd-01'],
  },
  {
    name: 'declarations gz-01',
    method: 'POST',
    path: '/api/v1/declarations',
    json: { declarations: [{ center: 'gz-01', period: '2026-09', metrics: { security_incidents: 0 } }] },
    allowed: ['admin', 'agent:gz-01', 'federate:52'],
  },
  { name: 'whoami', method: 'GET', path: '/api/v1/whoami', allowed: [...SCOPES] },
  { name: 'catalog', method: 'GET', path: '/api/v1/catalog', allowed: READERS },
  { name: 'hierarchy', method: 'GET', path: '/api/v1/hierarchy', allowed: READERS },
  { name: 'hierarchy 52', method: 'GET', path: '/api/v1/hierarchy?province=52', allowed: [...NATIONAL, 'province:52'] },
  { name: 'values nation', method: 'GET', path: '/api/v1/values?level=nation&kind=hour', allowed: NATIONAL },
  {
    name: 'values province 52',
    method: 'GET',
    path: '/api/v1/values?level=province&code=52&kind=hour',
    allowed: [...NATIONAL, 'province:52'],
  },
  {
    name: 'values center gd-01',
    method: 'GET',
    path: '/api/v1/values?level=center&code=gd-01&kind=hour',
    allowed: [...NATIONAL, 'province:44'],
  },
  {
    name: 'values centers of 44',
    method: 'GET',
    path: '/api/v1/values?level=center&province=44&kind=hour',
    allowed: [...NATIONAL, 'province:44'],
  },
  { name: 'overview', method: 'GET', path: '/api/v1/overview?kind=hour', allowed: NATIONAL },
  {
    name: 'series province 44',
    method: 'GET',
    path: '/api/v1/series?indicator=pue&level=province&code=44&kind=hour',
    allowed: [...NATIONAL, 'province:44'],
  },
  { name: 'rankings provinces', method: 'GET', path: '/api/v1/rankings?indicator=pue&kind=hour', allowed: READERS },
  {
    name: 'rankings centers of 52',
    method: 'GET',
    path: '/api/v1/rankings?indicator=pue&level=center&province=52&kind=hour',
    allowed: [...NATIONAL, 'province:52'],
  },
  { name: 'coverage', method: 'GET', path: '/api/v1/coverage', allowed: READERS },
  { name: 'coverage 44', method: 'GET', path: '/api/v1/coverage?province=44', allowed: [...NATIONAL, 'province:44'] },
  { name: 'alerts post', method: 'POST', path: '/api/v1/alerts', json: alert, allowed: ['admin', 'alertmanager'] },
  { name: 'alerts list', method: 'GET', path: '/api/v1/alerts', allowed: READERS },
  { name: 'alerts list 52', method: 'GET', path: '/api/v1/alerts?province=52', allowed: [...NATIONAL, 'province:52'] },
  {
    name: 'report province 52',
    method: 'GET',
    path: '/api/v1/reports/52/2026-09.json',
    allowed: [...NATIONAL, 'province:52'],
  },
  { name: 'report nation', method: 'GET', path: '/api/v1/reports/nation/2026-09.csv', allowed: NATIONAL },
  {
    name: 'report of center gz-01',
    method: 'GET',
    path: '/api/v1/reports/center/gz-01/2026-09.json',
    allowed: [...NATIONAL, 'province:52', 'center:gz-01'],
  },
  {
    name: 'report of another center (gd-01)',
    method: 'GET',
    path: '/api/v1/reports/center/gd-01/2026-09.xlsx',
    allowed: [...NATIONAL, 'province:44'],
  },
  {
    name: 'admin recompute',
    method: 'POST',
    path: '/api/v1/admin/recompute',
    json: { kind: 'hour', period: '2026-10-05T09' },
    allowed: ['admin'],
  },
  { name: 'admin status', method: 'GET', path: '/api/v1/admin/status', allowed: ['admin'] },
  { name: 'report deliveries', method: 'GET', path: '/api/v1/reports/deliveries', allowed: READERS },
  // A signed link opens its report without a token, for anyone holding it; a forged one for no one.
  { name: 'signed report link', method: 'GET', path: linkPath, allowed: ALL, open: true },
  {
    name: 'forged report link',
    method: 'GET',
    path: linkPath.replace(/sig=[^&]+/, 'sig=forged'),
    allowed: [],
    open: true,
  },
];

for (const row of rows) {
  test(`permissions: ${row.name}`, async () => {
    for (const scope of ALL) {
      const r = await hub.call(row.method, row.path, {
        ...(scope === 'none' ? {} : { scope }),
        ...(row.json !== undefined ? { json: row.json } : {}),
      });
      const want = row.allowed.includes(scope) ? 'ok' : scope === 'none' && !row.open ? 401 : 403;
      if (want === 'ok')
        assert.ok(
          r.status >= 200 && r.status < 300,
          `${row.name} as ${scope}: want 2xx, got ${r.status} ${r.text.slice(0, 200)}`,
        );
      else
        assert.equal(r.status, want, `${row.name} as ${scope}: want ${want}, got ${r.status} ${r.text.slice(0, 200)}`);
    }
  });
}

test('every documented operation is covered by the matrix', async () => {
  const { openapiDocument } = await import('./openapi.ts');
  const doc = openapiDocument() as { paths: Record<string, Record<string, unknown>> };
  const ops = Object.entries(doc.paths).flatMap(([p, o]) => Object.keys(o).map((m) => `${m.toUpperCase()} ${p}`));
  const covered = new Set(
    rows.map(
      (r) =>
        `${r.method} ${r.path
          .split('?')[0]!
          .replace(/^\/api\/v1\/reports\/center\/.*$/, '/api/v1/reports/center/{center}/{period}.{format}')
          .replace(/^\/api\/v1\/reports\/(?!center\/|deliveries$).*$/, '/api/v1/reports/{scope}/{period}.{format}')
          .replace(/^\/api\/v1\/report-files\/.*$/, '/api/v1/report-files/{file}')}`,
    ),
  );
  assert.deepEqual(
    ops.filter((o) => !covered.has(o)),
    [],
  );
});

test('a province token sees only its own alerts and its own series in /metrics', async () => {
  const list = await hub.call('GET', '/api/v1/alerts', { scope: 'province:44' });
  assert.deepEqual(list.body.alerts, []);
  const mine = await hub.call('GET', '/api/v1/alerts', { scope: 'province:52' });
  assert.equal(mine.body.alerts.length, 1);
  await hub.ctx.engine.runRealtime(T0 + 3_600_000);
  const all = await hub.call('GET', '/metrics', { scope: 'nation' });
  assert.match(all.text, /dims_center_last_record_timestamp_seconds\{province="44",center="gd-01"\}/);
  const scoped = await hub.call('GET', '/metrics', { scope: 'province:52' });
  assert.doesNotMatch(scoped.text, /province="44"/);
  assert.doesNotMatch(scoped.text, /dims_hub_/);
  assert.match(scoped.text, /dims_center_last_record_timestamp_seconds\{province="52",center="gz-01"\}/);
});

test("a province's readers see its deliveries only; nation-wide readers see every province's", async () => {
  const scopes = async (scope: 'province:52' | 'nation') =>
    ((await hub.call('GET', '/api/v1/reports/deliveries', { scope })).body.deliveries as Array<{ scope: string }>)
      .map((d) => d.scope)
      .sort();
  assert.deepEqual(await scopes('province:52'), ['52']);
  assert.deepEqual(await scopes('nation'), ['44', '52']);
});

test('a revoked token is refused', async () => {
  const { createToken } = await import('./auth/tokens.ts');
  const t = createToken(hub.ctx.state, 'nation', 'temp');
  assert.equal((await hub.call('GET', '/api/v1/catalog', { token: t.token })).status, 200);
  hub.ctx.state.revokeToken(t.id, Date.now());
  assert.equal((await hub.call('GET', '/api/v1/catalog', { token: t.token })).status, 401);
});

test("a center:<id> token reads its own center's monthly report over the hub and nothing else", async () => {
  const own = await hub.call('GET', '/api/v1/reports/center/gz-01/2026-09.json', { scope: 'center:gz-01' });
  assert.equal(own.status, 200);
  assert.deepEqual([own.body.level, own.body.scope.code, own.body.province.code], ['center', 'gz-01', '52']);
  const xlsx = await hub.call('GET', '/api/v1/reports/center/gz-01/2026-09.xlsx', { scope: 'center:gz-01' });
  assert.equal(xlsx.status, 200);
  assert.equal(xlsx.headers.get('content-disposition'), 'attachment; filename="center-gz-01-2026-09.zh.xlsx"');
  // Where the token is allowed at all, by the matrix above (which asked every row with it): its report and whoami.
  const reach = rows.filter((r) => !r.open && r.allowed.includes('center:gz-01')).map((r) => r.name);
  assert.deepEqual(reach, ['whoami', 'report of center gz-01']);
  const me = await hub.call('GET', '/api/v1/whoami', { scope: 'center:gz-01' });
  assert.deepEqual(me.body, {
    scope: 'center:gz-01',
    kind: 'center',
    center: { id: 'gz-01', name: me.body.center.name, province: { code: '52', zh: '贵州省', en: 'Guizhou' } },
    ended: { month: '2026-09', quarter: '2026-Q3', year: '2025' },
  });
  assert.equal(typeof me.body.center.name, 'string');
});
