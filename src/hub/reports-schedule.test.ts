/** @module The hub runs scheduled reports from its config, into the configured folder, counted in /metrics. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseConfig } from './config.ts';
import { startHub } from './server.ts';
import { center } from './test-support.ts';

test('a hub with `reports` writes every province report and the index, and counts them in /metrics', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-hub-reports-'));
  writeFileSync(path.join(dir, 'registry.yaml'), stringify({ centers: [center('gz-01', '52'), center('gd-01', '44')] }));
  const raw = { registry: 'registry.yaml', listen: { port: 0 }, engine: { enabled: false }, metrics: { auth: 'none' }, reports: { dir: 'reports', formats: ['csv'], monthly: '', quarterly: '' } };
  const hub = await startHub(parseConfig(raw, path.join(dir, 'hub.yaml')), { log: () => {} });
  try {
    assert.ok(hub.reports, 'the report schedule runs');
    const batch = await hub.reports.run('month', '2026-10');
    assert.equal(batch.failed, 0);
    assert.ok(existsSync(path.join(dir, 'reports', 'index.json')));
    const index = JSON.parse(readFileSync(path.join(dir, 'reports', 'index.json'), 'utf8')) as { reports: Array<{ status: string }> };
    assert.equal(index.reports.length, 32, '31 provinces and the nation');
    assert.ok(index.reports.every((r) => r.status === 'ok'));
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    assert.match(text, /dims_hub_reports_total\{kind="month",format="csv",result="ok"\} 32/);
  } finally {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
