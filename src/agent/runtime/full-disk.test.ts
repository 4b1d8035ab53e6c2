/**
 * @module The agent's outbox on a full disk (a small tmpfs): the agent keeps running and collecting, says
 * so in its log, metrics and /readyz, holds the records in memory, and writes and delivers them to a
 * real hub when space returns. Counts readings before, during and after: none lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mountSmallFs } from '../../../tests/support/small-fs.ts';
import { startTestHub } from '../../hub/test-support.ts';
import { fakePlugin } from '../testing/fake-plugin.ts';
import { runAgentInProcess } from './agent.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a full outbox disk: the agent holds readings in memory and delivers every one when space returns', async () => {
  const small = mountSmallFs(4 * 1024 * 1024);
  const hub = await startTestHub();
  process.env.DIMS_TEST_FULL_TOKEN = hub.tokens['agent:gz-01']!;
  const logs: string[] = [];
  // A meter at 100 kW: every one-second interval carries 1/36 kWh.
  const meter = fakePlugin(
    new Map([['m1', { samples: (now: number) => [{ signal: 'energy_kwh', value: 1000 + (100 * now) / 3.6e6 }] }]]),
  );
  const agent = await runAgentInProcess(
    {
      center: 'gz-01',
      interval: '1s',
      scrape_interval: '250ms',
      defaults: { timeout: '100ms' },
      outbox: { path: join(small.dir, 'o.sqlite'), max_memory_records: 1000 },
      sinks: [{ type: 'hub', url: hub.url, token: 'env:DIMS_TEST_FULL_TOKEN' }],
      metrics: { port: 0 },
      targets: [{ id: 'm1', protocol: 'fake', roles: ['facility'], config: { name: 'm1' } }],
    },
    {
      plugins: { fake: meter },
      log: (level, m) => void (level !== 'debug' && logs.push(`${level} ${m}`)),
      sendRetry: { minMs: 50, maxMs: 300 },
    },
  );
  const get = (p: string) => fetch(`http://127.0.0.1:${agent.metricsPort}${p}`);
  const stored = async () =>
    (await hub.ctx.storage.queryRecords({ fromMs: 0, toMs: Date.now() + 60_000, centers: ['gz-01'] })).map(
      (r) => r.startMs,
    );
  try {
    // Before: a few readings reach the hub.
    for (let i = 0; i < 60 && (await stored()).length < 3; i++) await sleep(100);
    const before = (await stored()).length;
    assert.ok(before >= 3, `${before} readings before`);

    // During: the outbox's disk is full for four seconds; the agent keeps building one record a second.
    small.fill();
    await sleep(4000);
    const held = agent.outbox.stats().held;
    assert.ok(held >= 3, `${held} readings held in memory`);
    const ready = await get('/readyz');
    assert.equal(ready.status, 503);
    assert.match(((await ready.json()) as { reason: string }).reason, /disk refuses writes; \d+ record\(s\) held/);
    assert.equal((await get('/healthz')).status, 200);
    const metrics = await (await get('/metrics')).text();
    assert.match(metrics, /^dims_agent_outbox_held_records\{center="gz-01"\} [1-9]/m);
    assert.match(metrics, /^dims_agent_outbox_write_failures_total\{center="gz-01"\} [1-9]/m);
    assert.ok(
      logs.some((l) => /^error outbox: the disk refuses writes \(.*disk is full.*\); holding records/.test(l)),
      logs.join('\n'),
    );
    const duringStored = (await stored()).length;

    // After: space returns; the held readings are written, sent and stored, with no gap.
    small.free();
    for (let i = 0; i < 80 && ((await get('/readyz')).status !== 200 || agent.outbox.stats().depth > 0); i++)
      await sleep(100);
    assert.equal((await get('/readyz')).status, 200);
    assert.equal(agent.outbox.stats().held, 0);
    assert.ok(logs.some((l) => /^info outbox: the disk takes writes again; \d+ held record\(s\) written/.test(l)));
    await sleep(1500);
    const starts = await stored();
    const gaps = starts.slice(1).filter((s, i) => s - starts[i]! !== 1000);
    assert.deepEqual(gaps, [], 'one record per second, none missing');
    assert.ok(starts.length >= before + held, `before ${before}, held ${held}, stored ${starts.length}`);
    assert.equal(agent.outbox.stats().dropped, 0);
    logs.push(`counts: before ${before}, stored during ${duringStored}, held ${held}, after ${starts.length}`);
    console.log(logs.at(-1));
  } finally {
    await agent.stop();
    await hub.close();
    small.unmount();
  }
});
