/**
 * @module Federation: two provincial hubs forward their centers' records, or their hour roll-ups, to a national
 * hub over loopback; the national values equal those of one hub that received every record directly, before
 * and after a late record.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../src/hub/config.ts';
import { startHub, type RunningHub } from '../../src/hub/server.ts';
import { createToken } from '../../src/hub/auth/tokens.ts';
import { Scheduler } from '../../src/hub/scheduler.ts';
import type { StoredValue } from '../../src/storage/types.ts';
import { CENTERS, recordsFor, tempDir, writeRegistry, TestAgent } from './hub-support.ts';

const H = Date.parse('2026-10-05T02:00:00Z'); // hour 2026-10-05T10 in Asia/Shanghai
const quiet = () => {};

function cfg(dir: string, name: string, registry: string, extra: Record<string, unknown> = {}) {
  return parseConfig(
    {
      registry,
      listen: { port: 0 },
      state_db: path.join(dir, `${name}-state.db`),
      // The records lie months before the wall clock: keep raw records for ever.
      storage: { kind: 'sqlite', path: path.join(dir, `${name}-data.db`), retention: { raw: 'INF' } },
      engine: { enabled: false },
      ...extra,
    },
    `${name}.yaml`,
    dir,
  );
}

const strip = (vs: StoredValue[]) =>
  vs
    .map(({ computedAtMs: _c, ...rest }) => rest)
    .sort((a, b) => `${a.level}/${a.code}/${a.indicator}`.localeCompare(`${b.level}/${b.code}/${b.indicator}`));

for (const forward of ['records', 'rollups'] as const) {
  test(`three hubs forwarding ${forward}: national values equal those of one hub that received everything directly, late records too`, async () => {
    const dir = tempDir('dims-fed-');
    const hubs: RunningHub[] = [];
    // Every hub computes hours (the provincial ones forward roll-ups as they close them), on demand here.
    const engine = { engine: { enabled: true, kinds: ['hour'] } };
    try {
      const all = writeRegistry(dir, 'all.yaml', CENTERS);
      const national = await startHub(cfg(dir, 'national', all, engine), { log: quiet, scheduler: false });
      hubs.push(national);
      const direct = await startHub(cfg(dir, 'direct', all, engine), { log: quiet, scheduler: false });
      hubs.push(direct);
      const provincial: Record<string, RunningHub> = {};
      for (const p of ['52', '44']) {
        const fedToken = createToken(national.ctx.state, `federate:${p}`).token;
        const reg = writeRegistry(
          dir,
          `p${p}.yaml`,
          CENTERS.filter((c) => c.province === p),
        );
        const hub = await startHub(
          cfg(dir, `p${p}`, reg, {
            ...engine,
            role: 'provincial',
            province: p,
            federation: { upstream: national.url, token: fedToken, batch: 37, interval_ms: 50, forward },
          }),
          { log: quiet, scheduler: false },
        );
        hubs.push(hub);
        provincial[p] = hub;
      }
      const agents = new Map<string, { viaProvince: TestAgent; straight: TestAgent }>();
      for (const c of CENTERS)
        agents.set(c.id, {
          viaProvince: new TestAgent(
            provincial[c.province]!.url,
            createToken(provincial[c.province]!.ctx.state, `agent:${c.id}`).token,
          ),
          straight: new TestAgent(direct.url, createToken(direct.ctx.state, `agent:${c.id}`).token),
        });
      const push = async (center: string, recs: ReturnType<typeof recordsFor>) => {
        const a = agents.get(center)!;
        a.viaProvince.queue(recs);
        a.straight.queue(recs);
        while (a.viaProvince.pending.length > 0) assert.equal(await a.viaProvince.pushOnce(25), 200);
        while (a.straight.pending.length > 0) assert.equal(await a.straight.pushOnce(25), 200);
      };
      // One hour of records (gz-01 misses minute 30, which comes late): agents push to their provincial hub,
      // and the same records straight to the direct hub.
      for (const c of CENTERS)
        await push(
          c.id,
          recordsFor([c.id], H, 60).filter(
            (r) => !(c.id === 'gz-01' && r.start === new Date(H + 30 * 60_000).toISOString()),
          ),
        );
      // Declarations filed at a provincial hub travel upward too.
      const admin52 = createToken(provincial['52']!.ctx.state, 'admin').token;
      const adminDirect = createToken(direct.ctx.state, 'admin').token;
      const filing = {
        declarations: [
          { center: 'gz-01', period: '2026-10-05', metrics: { security_incidents: 1, mlps_l3_valid: true } },
        ],
      };
      for (const [url, token] of [
        [provincial['52']!.url, admin52],
        [direct.url, adminDirect],
      ] as const) {
        const r = await fetch(`${url}/api/v1/declarations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(filing),
        });
        assert.equal(r.status, 200, await r.text());
      }
      // The hour closes everywhere: a provincial hub forwarding roll-ups queues them as it closes it.
      const hour = '2026-10-05T10';
      const closeAndForward = async () => {
        for (const p of ['52', '44']) {
          await provincial[p]!.ctx.engine.runPeriod('hour', hour);
          const d = await provincial[p]!.forwarder.drain();
          assert.equal(d.error, undefined, d.error);
          assert.equal(provincial[p]!.ctx.state.outboxSize(), 0);
        }
      };
      const compare = async (label: string) => {
        await national.ctx.engine.runPeriod('hour', hour);
        await direct.ctx.engine.runPeriod('hour', hour);
        const nat = await national.ctx.storage.queryValues({ period_kind: 'hour', period: hour });
        const dir2 = await direct.ctx.storage.queryValues({ period_kind: 'hour', period: hour });
        assert.ok(nat.length > 60 * 5, `${label}: values: ${nat.length}`);
        assert.deepEqual(strip(nat), strip(dir2), label);
        return nat.find((v) => v.level === 'center' && v.code === 'gz-01' && v.indicator === 'pue')!.value!;
      };
      await closeAndForward();
      const window = { fromMs: H - 86_400_000, toMs: H + 86_400_000 };
      const records = (await national.ctx.storage.queryRecords(window)).length;
      const rollups = (await national.ctx.storage.queryRollups({ kind: 'hour', ...window })).length;
      // 239 records and a filing directly; through the provinces either the same, or one roll-up per center.
      assert.equal((await direct.ctx.storage.queryRecords(window)).length, 4 * 60 - 1 + 1);
      assert.deepEqual(
        { records, rollups },
        forward === 'records' ? { records: 4 * 60 - 1 + 1, rollups: 0 } : { records: 1, rollups: 4 },
      );
      const before = await compare('on-time records');
      assert.ok(before > 1);

      // The missing minute arrives after the hour was computed everywhere, with three times the facility energy.
      for (const h of [national, direct, provincial['52']!, provincial['44']!])
        h.ctx.state.setCheckpoint('hour', hour, Date.now());
      const late = recordsFor(['gz-01'], H + 30 * 60_000, 1)[0]!;
      late.metrics.e_total_kwh = (late.metrics.e_total_kwh as number) * 3;
      await push('gz-01', [late]);
      // The provincial hub recomputes the hour it changed (rebuilding and, forwarding roll-ups, sending it
      // again); the national hub recomputes what arrived.
      for (const p of ['52', '44']) await new Scheduler(provincial[p]!.ctx).recomputeDirty();
      for (const p of ['52', '44']) {
        const d = await provincial[p]!.forwarder.drain();
        assert.equal(d.error, undefined, d.error);
      }
      const recomputed = await new Scheduler(national.ctx).recomputeDirty();
      assert.deepEqual(
        recomputed.map((r) => `${r.kind} ${r.period}`),
        [`hour ${hour}`],
      );
      await new Scheduler(direct.ctx).recomputeDirty();
      const after = await compare('after the late record');
      assert.ok(after > before, `gz-01's PUE rose with the late energy (${before} → ${after})`);
    } finally {
      for (const h of hubs.reverse()) await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('federation keeps records in the outbox while the national hub is down, then delivers them once', async () => {
  const dir = tempDir('dims-fed2-');
  const hubs: RunningHub[] = [];
  try {
    const all = writeRegistry(dir, 'all.yaml', CENTERS);
    const reg = writeRegistry(
      dir,
      'p52.yaml',
      CENTERS.filter((c) => c.province === '52'),
    );
    // Start the national hub once to learn a free port and create the federation token, then stop it.
    let national = await startHub(cfg(dir, 'national', all), { log: quiet, scheduler: false });
    const port = Number(new URL(national.url).port);
    const fedToken = createToken(national.ctx.state, 'federate:52').token;
    await national.close();
    const p52 = await startHub(
      cfg(dir, 'p52', reg, {
        role: 'provincial',
        province: '52',
        federation: { upstream: national.url, token: fedToken, interval_ms: 20 },
      }),
      { log: quiet, scheduler: false },
    );
    hubs.push(p52);
    const agent = new TestAgent(p52.url, createToken(p52.ctx.state, 'agent:gz-01').token);
    agent.queue(recordsFor(['gz-01'], H, 30));
    while (agent.pending.length > 0) assert.equal(await agent.pushOnce(10), 200);
    const failed = await p52.forwarder.flushOnce();
    assert.ok(failed.error, 'the upstream is down');
    assert.equal(p52.ctx.state.outboxSize(), 30);
    national = await startHub(cfg(dir, 'national', all, { listen: { port } }), { log: quiet, scheduler: false });
    hubs.push(national);
    const d = await p52.forwarder.drain();
    assert.equal(d.error, undefined);
    assert.equal(p52.ctx.state.outboxSize(), 0);
    // A replay of the same records (an agent retrying) changes nothing upstream.
    agent.queue(recordsFor(['gz-01'], H, 30));
    while (agent.pending.length > 0) assert.equal(await agent.pushOnce(10), 200);
    await p52.forwarder.drain();
    assert.equal((await national.ctx.storage.queryRecords({ fromMs: H - 3_600_000, toMs: H + 3_600_000 })).length, 30);
  } finally {
    for (const h of hubs.reverse()) await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
