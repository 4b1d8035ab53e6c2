/**
 * @module An .xlsx declaration that inflates to 400 MiB from a few hundred kilobytes is refused with 413
 * before it is parsed, without the hub's memory growing by the inflated size (unbounded, it took the hub
 * past 1 GB of RSS and seconds of parsing). Its own file, so the process's peak RSS is this test's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub } from './test-support.ts';
import { xlsxBomb } from './hostile/bombs.ts';

const MiB = 1024 * 1024;
/** Far above the 32 MiB the size check inflates at most, far below the 400 MiB the sheet expands to. */
const GROWTH_BOUND_MIB = 160;

test('an .xlsx expanding to 400 MiB is refused with 413, the peak RSS growing far less than that', async (t) => {
  const hub = await startTestHub({ now: () => Date.parse('2026-10-05T02:00:00Z') });
  try {
    const bomb = new Uint8Array(xlsxBomb(400 * MiB));
    assert.ok(bomb.length < MiB, `the upload is ${bomb.length} bytes`);
    const peakBefore = process.resourceUsage().maxRSS * 1024;
    const t0 = performance.now();
    const r = await hub.call('POST', '/api/v1/declarations', {
      scope: 'admin',
      body: bomb,
      headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    });
    const ms = performance.now() - t0;
    const growth = (process.resourceUsage().maxRSS * 1024 - peakBefore) / MiB;
    t.diagnostic(`${bomb.length} byte upload refused in ${ms.toFixed(0)} ms; peak RSS grew ${growth.toFixed(0)} MiB`);
    assert.equal(r.status, 413, r.text);
    assert.equal(r.body.error.code, 'DIMS_ERR_TOO_LARGE');
    assert.match(r.body.error.message, /upload_expanded_bytes/);
    assert.ok(growth < GROWTH_BOUND_MIB, `peak RSS grew ${growth.toFixed(0)} MiB`);
    const stored = await hub.ctx.storage.queryRecords({ fromMs: 0, toMs: Date.parse('2100-01-01T00:00:00Z') });
    assert.equal(stored.length, 0, 'nothing was written');
  } finally {
    await hub.close();
  }
});
