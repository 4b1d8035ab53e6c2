/**
 * @module The hub keeps a closed period's rendered reports: the same download twice is built once; late
 * records (the period recomputed) and a filing make the next download build again with the new numbers;
 * an open period is never kept; the scheduled batch's files are what a download of the same report gets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseConfig } from './config.ts';
import { startHub } from './server.ts';
import { center, telemetry } from './test-support.ts';
import { createToken } from './auth/tokens.ts';
import { periodName, periodWindow } from '../model/periods.ts';

test('a closed month’s report is built once, and again after late records or a filing', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-hub-report-cache-'));
  writeFileSync(path.join(dir, 'registry.yaml'), stringify({ centers: [center('gz-01', '52')] }));
  const raw = {
    registry: 'registry.yaml',
    listen: { port: 0 },
    engine: { enabled: true, kinds: ['month'] },
    reports: { dir: 'reports', formats: ['csv'], monthly: '', quarterly: '' },
    // Records of the first hour of last month are up to 62 days old: keep raw records longer than that.
    storage: { kind: 'sqlite', path: 'hub-data.db', retention: { raw: '70d' } },
  };
  const hub = await startHub(parseConfig(raw, path.join(dir, 'hub.yaml')), { log: () => {}, scheduler: false });
  try {
    const cache = hub.ctx.reports.cache;
    const month = hub.scheduler.latestClosed('month', Date.now());
    const from = periodWindow('month', month).fromMs;
    const agent = createToken(hub.ctx.state, 'agent:gz-01').token;
    const reader = createToken(hub.ctx.state, 'province:52').token;
    const post = async (p: string, body: unknown) => {
      const res = await fetch(`${hub.url}${p}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 200, await res.text());
    };
    const push = (startMs: number, pue: number) => {
      const r = telemetry('gz-01', startMs, 1, 60);
      r.metrics.e_total_kwh = (r.metrics.e_it_kwh as number) * pue;
      return post('/api/v1/records', { records: [r] });
    };
    const download = async (period: string) => {
      const res = await fetch(`${hub.url}/api/v1/reports/52/${period}.csv`, {
        headers: { authorization: `Bearer ${reader}` },
      });
      assert.equal(res.status, 200);
      return Buffer.from(await res.arrayBuffer()).toString('utf8');
    };
    await push(from + 3_600_000, 1.25);
    await hub.scheduler.closeDue();

    const first = await download(month);
    assert.match(first, /1\.25/);
    assert.equal(await download(month), first);
    assert.deepEqual(cache.stats, { hits: 1, builds: 1 });

    // Late records: the month is recomputed, its values stored again, and the next download has them.
    await push(from + 2 * 3_600_000, 2.25);
    await hub.scheduler.recomputeDirty();
    const late = await download(month);
    assert.match(late, /1\.75/, 'PUE of both hours: (1.25 + 2.25) / 2');
    assert.equal(cache.stats.builds, 2);

    // A filing may change "declarations missing": built again.
    await post('/api/v1/declarations', {
      declarations: [{ center: 'gz-01', period: month, metrics: { security_incidents: 0 } }],
    });
    await download(month);
    assert.equal(cache.stats.builds, 3);

    // The month now open changes by the minute: never kept.
    const open = periodName('month', Date.now());
    await download(open);
    await download(open);
    assert.equal(cache.stats.builds, 3);
    assert.equal(cache.stats.hits, 1);

    // The scheduled batch's file is what the next download of the same report gets.
    await hub.reports!.run('month', month);
    const file = readFileSync(path.join(dir, 'reports', 'month', month, `52-${month}.zh.csv`), 'utf8');
    assert.equal(await download(month), file);
    assert.equal(cache.stats.builds, 3);
  } finally {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
