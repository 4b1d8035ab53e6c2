/** @module The hub runs scheduled reports from its config, into the configured folder, counted in /metrics, and rewrites them after late records. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseConfig } from './config.ts';
import { startHub } from './server.ts';
import { center, telemetry } from './test-support.ts';
import { createToken } from './auth/tokens.ts';
import { periodWindow } from '../model/periods.ts';

test('a hub with `reports` writes every province report and the index, and counts them in /metrics', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-hub-reports-'));
  writeFileSync(
    path.join(dir, 'registry.yaml'),
    stringify({ centers: [center('gz-01', '52'), center('gd-01', '44')] }),
  );
  const raw = {
    registry: 'registry.yaml',
    listen: { port: 0 },
    engine: { enabled: false },
    metrics: { auth: 'none' },
    reports: { dir: 'reports', formats: ['csv'], monthly: '', quarterly: '' },
  };
  const hub = await startHub(parseConfig(raw, path.join(dir, 'hub.yaml')), { log: () => {} });
  try {
    assert.ok(hub.reports, 'the report schedule runs');
    const batch = await hub.reports.run('month', '2026-10');
    assert.equal(batch.failed, 0);
    assert.ok(existsSync(path.join(dir, 'reports', 'index.json')));
    const index = JSON.parse(readFileSync(path.join(dir, 'reports', 'index.json'), 'utf8')) as {
      reports: Array<{ status: string }>;
    };
    assert.equal(index.reports.length, 32, '31 provinces and the nation');
    assert.ok(index.reports.every((r) => r.status === 'ok'));
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    assert.match(text, /dims_hub_reports_total\{kind="month",format="csv",result="ok"\} 32/);
  } finally {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("late records that change a reported month make the hub rewrite that month's reports", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-hub-reports-late-'));
  writeFileSync(path.join(dir, 'registry.yaml'), stringify({ centers: [center('gz-01', '52')] }));
  const raw = {
    registry: 'registry.yaml',
    listen: { port: 0 },
    engine: { enabled: true, kinds: ['month'] },
    metrics: { auth: 'none' },
    reports: { dir: 'reports', formats: ['csv'], monthly: '', quarterly: '' },
    // Records of the first hour of last month are up to 62 days old: keep raw records longer than that.
    storage: { kind: 'sqlite', path: 'hub-data.db', retention: { raw: '70d' } },
  };
  const hub = await startHub(parseConfig(raw, path.join(dir, 'hub.yaml')), { log: () => {}, scheduler: false });
  try {
    const month = hub.scheduler.latestClosed('month', Date.now());
    const from = periodWindow('month', month).fromMs;
    const token = createToken(hub.ctx.state, 'agent:gz-01').token;
    const push = async (startMs: number, pue: number) => {
      const r = telemetry('gz-01', startMs, 1, 60);
      r.metrics.e_total_kwh = (r.metrics.e_it_kwh as number) * pue;
      const res = await fetch(`${hub.url}/api/v1/records`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ records: [r] }),
      });
      assert.equal(res.status, 200, await res.text());
    };
    await push(from + 3_600_000, 1.25);
    await hub.scheduler.closeDue();
    await hub.reports!.run('month', month);
    const file = path.join(dir, 'reports', 'month', month, `52-${month}.zh.csv`);
    const before = readFileSync(file, 'utf8');
    assert.match(before, /1\.25/);

    // A record for the closed month arrives late: the month is recomputed and its report rewritten.
    await push(from + 2 * 3_600_000, 2.25);
    const recomputed = await hub.scheduler.recomputeDirty();
    assert.deepEqual(recomputed, [{ kind: 'month', period: month }]);
    const after = readFileSync(file, 'utf8');
    assert.notEqual(after, before);
    assert.match(after, /1\.75/, 'PUE of both hours: (1.25 + 2.25) / 2');
  } finally {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
