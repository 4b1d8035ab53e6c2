/**
 * @module consoleRouter: pages and modules with the right content types, TypeScript served as JavaScript, shared
 * modules by allow-list only, nothing outside web/.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import http from 'node:http';
import express from 'express';
import { consoleRouter, toBrowserModule } from './router.ts';

const WEB = fileURLToPath(new URL('./web/', import.meta.url));
let server: Server;
let base: string;

before(async () => {
  const app = express();
  app.use(consoleRouter());
  app.use((_req, res) => void res.status(404).json({ error: { code: 'DIMS_ERR_NOT_FOUND', message: 'not found' } }));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

function webModules(dir = WEB): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? webModules(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

test('/ and /console redirect to /console/, which serves the page with a strict content policy', async () => {
  const root = await fetch(`${base}/`, { redirect: 'manual' });
  assert.equal(root.status, 302);
  assert.equal(root.headers.get('location'), '/console/');
  const bare = await fetch(`${base}/console`, { redirect: 'manual' });
  assert.equal(bare.headers.get('location'), '/console/');
  const page = await fetch(`${base}/console/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type')!, /^text\/html/);
  assert.match(page.headers.get('content-security-policy')!, /default-src 'self'/);
  const html = await page.text();
  assert.match(html, /<script type="module" src="app.ts">/);
  assert.doesNotMatch(html, /https?:\/\//, 'the page loads nothing from elsewhere');
});

test('every browser module is served as JavaScript with its types gone', async () => {
  for (const file of webModules()) {
    const rel = path.relative(WEB, file).split(path.sep).join('/');
    const res = await fetch(`${base}/console/${rel}`);
    assert.equal(res.status, 200, rel);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8', rel);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const js = await res.text();
    assert.doesNotMatch(js, /import type|: HTMLElement\b|\binterface \w+ \{/, `${rel} still has types`);
    assert.doesNotMatch(js, /from\s*['"]\.\.\/\.\.\/(?!.*_shared)/, `${rel} imports outside the console unrewritten`);
  }
});

test('imports of shared catalog code are pointed at the allow-listed URL, which serves it', async () => {
  const state = await (await fetch(`${base}/console/state.ts`)).text();
  assert.match(state, /from\s*'\/console\/_shared\/catalog\/targets\.ts'/);
  const shared = await fetch(`${base}/console/_shared/catalog/targets.ts`);
  assert.equal(shared.status, 200);
  assert.match(shared.headers.get('content-type')!, /^text\/javascript/);
  assert.match(await shared.text(), /export function targetStatus/);
  assert.equal(
    (await fetch(`${base}/console/_shared/catalog/load.ts`)).status,
    404,
    'only allow-listed modules leave src/',
  );
});

test('a module importing outside the console and not allow-listed is refused at transform time', () => {
  assert.throws(
    () => toBrowserModule("import { x } from '../../hub/app.ts';", path.join(WEB, 'pages', 'x.ts'), '/console'),
    /not a shared module/,
  );
});

test('stylesheet and icon have their types; unknown files, other extensions and climbing out are 404', async () => {
  const css = await fetch(`${base}/console/style.css`);
  assert.match(css.headers.get('content-type')!, /^text\/css/);
  assert.match((await fetch(`${base}/console/favicon.svg`)).headers.get('content-type')!, /^image\/svg\+xml/);
  for (const p of [
    '/console/nope.ts',
    '/console/README.md',
    '/console/../router.ts',
    '/console/%2e%2e/router.ts',
    '/console/..%2frouter.ts',
    '/console/pages/..%2f..%2frouter.ts',
  ]) {
    const r = await fetch(`${base}${p}`);
    assert.equal(r.status, 404, p);
  }
});

test('answers revalidate (no-cache with an ETag) and a conditional request gets 304', async () => {
  const first = await fetch(`${base}/console/app.ts`);
  assert.equal(first.headers.get('cache-control'), 'no-cache');
  const etag = first.headers.get('etag');
  assert.ok(etag);
  // node:http, not fetch: fetch marks a request with its own validators as uncacheable (Cache-Control: no-cache).
  const status = await new Promise<number>((resolve, reject) => {
    http
      .get(`${base}/console/app.ts`, { headers: { 'if-none-match': etag } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
  assert.equal(status, 304);
});

test('serving the console prints no experimental-feature warning to the hub terminal; other warnings still show', () => {
  const script = [
    "import { toBrowserModule } from './src/console/router.ts';",
    "toBrowserModule('const a: number = 1; export { a };', 'x.ts', '/console');",
    "process.emitWarning('a warning of its own');",
  ].join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /ExperimentalWarning|stripTypeScriptTypes/);
  assert.match(r.stderr, /a warning of its own/);
});
