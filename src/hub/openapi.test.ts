/** @module Keeps the OpenAPI document and the express routes in sync, both ways. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Express } from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestHub } from './test-support.ts';
import { openapiDocument } from './openapi.ts';

/** Every (METHOD path) the express router will answer, with :params as {params}. */
interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

export function expressRoutes(app: Express): string[] {
  const out: string[] = [];
  // Routers mounted at the root (the report download) contribute their routes too.
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.handle?.stack) walk(layer.handle.stack);
      if (!layer.route) continue;
      for (const m of Object.keys(layer.route.methods))
        out.push(`${m.toUpperCase()} ${layer.route.path.replace(/[:*](\w+)/g, '{$1}')}`);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out.sort();
}

test('every express route is in the OpenAPI document and every documented operation is routed', async () => {
  // With scheduled reports configured, so their delivery log and signed links are routed too.
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-openapi-reports-'));
  const hub = await startTestHub({ config: { reports: { dir, monthly: '', quarterly: '' } } });
  try {
    // The console's HTML pages (/, /console/…) are not API operations; everything else must be documented.
    const routed = expressRoutes(hub.ctx && (await import('./app.ts')).createApp(hub.ctx)).filter(
      (r) => !/^GET \/(console\b|$)/.test(r),
    );
    const doc = openapiDocument() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .flatMap(([p, ops]) =>
        Object.keys(ops)
          .filter((k) => ['get', 'post', 'put', 'delete', 'patch'].includes(k))
          .map((m) => `${m.toUpperCase()} ${p}`),
      )
      .sort();
    assert.deepEqual(routed, documented);
    const served = await hub.call('GET', '/api/v1/openapi.json');
    assert.equal(served.status, 200);
    assert.equal(served.body.openapi, '3.1.0');
  } finally {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
