/**
 * @module `dims hub token rotate` as an agent lives through it: the agent reads its token file for every
 * push, so the new token written there is used at once; and when the old one has already expired the
 * records wait in the outbox (401) until it is, then all arrive. None is lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub } from '../../hub/test-support.ts';
import { createToken, rotateToken } from '../../hub/auth/tokens.ts';
import { fakePlugin } from '../testing/fake-plugin.ts';
import { runAgentInProcess } from './agent.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a rotated token: the agent switches with its token file and loses no record, also across an expired token', async () => {
  const hub = await startTestHub();
  const dir = mkdtempSync(join(tmpdir(), 'dims-rotate-'));
  const tokenFile = join(dir, 'token');
  const first = createToken(hub.ctx.state, 'agent:gz-01', 'gz-01 agent');
  writeFileSync(tokenFile, `${first.token}\n`);
  const logs: string[] = [];
  const agent = await runAgentInProcess(
    {
      center: 'gz-01',
      interval: '1s',
      scrape_interval: '250ms',
      defaults: { timeout: '100ms' },
      outbox: { path: join(dir, 'o.sqlite') },
      sinks: [{ type: 'hub', url: hub.url, token: `file:${tokenFile}` }],
      targets: [{ id: 'm1', protocol: 'fake', roles: ['facility'], config: { name: 'm1' } }],
    },
    {
      plugins: {
        fake: fakePlugin(new Map([['m1', { samples: (now) => [{ signal: 'energy_kwh', value: 1 + now / 3.6e6 }] }]])),
      },
      log: (level, m) => void logs.push(`${level} ${m}`),
      metricsPort: null,
      sendRetry: { minMs: 50, maxMs: 300 },
    },
  );
  const stored = async () =>
    (await hub.ctx.storage.queryRecords({ fromMs: 0, toMs: Date.now() + 60_000, centers: ['gz-01'] })).map(
      (r) => r.startMs,
    );
  try {
    await sleep(2500);
    assert.ok((await stored()).length >= 2);
    // Rotation with a grace period: the new token goes into the file, the old one keeps working meanwhile.
    const second = rotateToken(hub.ctx.state, first.id, 60_000);
    writeFileSync(tokenFile, `${second.token}\n`);
    await sleep(2000);
    assert.ok(hub.ctx.state.tokenById(second.id)!.last_used_at !== null, 'the agent uses the new token');
    // A rotation with no grace before the file is updated: pushes are refused (401) and the records wait.
    const third = rotateToken(hub.ctx.state, second.id, 0);
    await sleep(2500);
    const waiting = agent.outbox.stats().depth;
    assert.ok(waiting >= 2, `records wait in the outbox while the token is refused (${waiting})`);
    assert.ok(
      logs.some((l) => /sink hub: the hub refused the token/.test(l)),
      logs.join('\n'),
    );
    writeFileSync(tokenFile, `${third.token}\n`);
    for (let i = 0; i < 50 && agent.outbox.stats().depth > 0; i++) await sleep(100);
    assert.equal(agent.outbox.stats().depth, 0);
    const starts = await stored();
    assert.deepEqual(
      starts.slice(1).filter((s, i) => s - starts[i]! !== 1000),
      [],
      'one record a second, none missing',
    );
    assert.ok(starts.length >= 6, `${starts.length} records`);
  } finally {
    await agent.stop();
    await hub.close();
  }
});
