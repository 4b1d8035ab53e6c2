/**
 * @module The hub's roll-ups through its real ingest and engine: closed hours, days and months read roll-ups
 * and equal the raw records' values; a late record makes exactly one rebuild of its hour, day and month and
 * changes their values; hours the hub held whole are rolled up from memory; a day and a month folded as their
 * hours and days are built (primed after a restart) equal those read back from storage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, telemetry, type TestHub } from './test-support.ts';
import { Scheduler } from './scheduler.ts';
import { createToken } from './auth/tokens.ts';
import { rollupToWire } from '../records/parse.ts';
import { openStorage } from '../storage/open.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rollUp } from '../records/merge.ts';
import type { Storage } from '../storage/types.ts';
import { evaluate, memorySource } from '../engine/evaluate.ts';
import { periodWindow, periodsTouching, shiftPeriod } from '../model/periods.ts';
import type { IndicatorValue } from '../model/values.ts';
import type { PeriodKindName } from '../model/periods.ts';

const TZ = 'Asia/Shanghai';
const MIN = 60_000;
const DAY = '2026-11-03';
const MONTH = '2026-11';
const CENTERS = ['gz-01', 'gz-02', 'gd-01'];

/** Pushes each center's records with its own agent token, as its agent would. */
async function push(hub: TestHub, records: Array<{ center: string }>): Promise<void> {
  for (const c of new Set(records.map((r) => r.center))) {
    const token = (tokens[c] ??= createToken(hub.ctx.state, `agent:${c}`).token);
    const res = await hub.call('POST', '/api/v1/records', {
      token,
      json: { records: records.filter((r) => r.center === c) },
    });
    assert.equal(res.status, 200, res.text);
  }
}
const tokens: Record<string, string> = {};

async function rawValues(hub: TestHub, kind: PeriodKindName, period: string): Promise<IndicatorValue[]> {
  const { catalog, registry, storage } = hub.ctx;
  const records = await storage.queryRecords({ fromMs: 0, toMs: Date.parse('2100-01-01') });
  return evaluate({ catalog, registry, window: periodWindow(kind, period, TZ), source: memorySource(records), tz: TZ });
}

async function storedValues(hub: TestHub, kind: PeriodKindName, period: string): Promise<IndicatorValue[]> {
  return hub.ctx.storage.queryValues({ period_kind: kind, period });
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

function assertSameValues(stored: IndicatorValue[], raw: IndicatorValue[], label: string): void {
  const want = new Map(raw.map((v) => [`${v.level}/${v.code}/${v.indicator}`, v]));
  assert.equal(stored.length, want.size, `${label}: number of values`);
  for (const g of stored) {
    const w = want.get(`${g.level}/${g.code}/${g.indicator}`)!;
    const at = `${label} ${g.level} ${g.code} ${g.indicator}`;
    assert.ok(w, at);
    assert.equal(g.reason, w.reason, `${at}: reason`);
    for (const k of ['value', 'numerator', 'denominator'] as const) {
      const a = g[k];
      const b = w[k];
      assert.ok(a === b || (a !== null && b !== null && close(a, b)), `${at}: ${k} ${a} stored, ${b} from raw`);
    }
  }
}

function pueOf(values: IndicatorValue[], code: string): number | null {
  return values.find((v) => v.code === code && v.indicator === 'pue')!.value;
}

test('closes read roll-ups, equal raw records, and a late record rebuilds its hour, day and month exactly once', async () => {
  const dayStart = periodWindow('day', DAY, TZ).fromMs;
  let nowMs = dayStart;
  const hub = await startTestHub({
    now: () => nowMs,
    // No real-time runs on ingest: they would build their own year-earlier roll-ups meanwhile.
    config: { engine: { kinds: ['hour', 'day', 'month'], refresh_on_ingest_ms: 0 } },
  });
  try {
    const keeper = hub.ctx.engine.rollups;
    // Three hours of one-minute records, pushed as they happen, each hour closed two minutes after it ends;
    // 01:30 of gz-01 is missing (it comes late).
    for (let m = 0; m < 180; m += 10) {
      const batch = [];
      for (let k = m; k < m + 10; k++)
        for (const c of CENTERS) if (!(c === 'gz-01' && k === 90)) batch.push(telemetry(c, dayStart + k * MIN, 1, 1));
      nowMs = dayStart + (m + 10) * MIN + 5_000;
      await push(hub, batch);
      if ((m + 10) % 60 === 0) {
        nowMs = dayStart + (m + 12) * MIN;
        await hub.ctx.engine.runPeriod('hour', `${DAY}T0${(m + 10) / 60 - 1}`);
      }
    }
    // The hub held every hour from its start (hour 00 began with it: storage is asked only for records that
    // started before the hub did and reach into it).
    assert.equal(keeper.stats.fromMemory, 3);
    assert.deepEqual(
      [
        ...hub.ctx.state.freshRollups(
          'hour',
          ['00', '01', '02', '03'].map((h) => `${DAY}T${h}`),
        ),
      ],
      [`${DAY}T00`, `${DAY}T01`, `${DAY}T02`],
    );

    nowMs = periodWindow('month', shiftPeriod('month', MONTH, 1, TZ), TZ).fromMs + 2 * MIN;
    await hub.ctx.engine.runPeriod('day', DAY);
    await hub.ctx.engine.runPeriod('month', MONTH);
    assert.equal(hub.ctx.state.freshRollups('day', [DAY]).size, 1);
    assert.equal(hub.ctx.state.freshRollups('month', [MONTH]).size, 1);
    for (const [kind, period] of [
      ['hour', `${DAY}T01`],
      ['day', DAY],
      ['month', MONTH],
    ] as const)
      assertSameValues(await storedValues(hub, kind, period), await rawValues(hub, kind, period), `${period}`);
    const [hourRollups, dayRollups] = await Promise.all([
      hub.ctx.storage.queryRollups({ kind: 'hour', ...periodWindow('hour', `${DAY}T01`, TZ), centers: ['gz-01'] }),
      hub.ctx.storage.queryRollups({ kind: 'day', ...periodWindow('day', DAY, TZ) }),
    ]);
    assert.equal(hourRollups[0]!.rollup.records, 59);
    assert.deepEqual(
      dayRollups.map((r) => [r.center, r.rollup.records]),
      [
        ['gd-01', 180],
        ['gz-01', 179],
        ['gz-02', 180],
      ],
    );

    // The engine has computed these periods; now the missing minute arrives, with twice the facility energy.
    const state = hub.ctx.state;
    state.setCheckpoint('hour', `${DAY}T02`, nowMs);
    state.setCheckpoint('day', DAY, nowMs);
    state.setCheckpoint('month', MONTH, nowMs);
    const before = {
      hour: pueOf(await storedValues(hub, 'hour', `${DAY}T01`), 'gz-01'),
      day: pueOf(await storedValues(hub, 'day', DAY), 'gz-01'),
      month: pueOf(await storedValues(hub, 'month', MONTH), 'gz-01'),
    };
    const built = structuredClone(keeper.stats.built);
    const late = telemetry('gz-01', dayStart + 90 * MIN, 1, 1);
    (late.metrics as Record<string, number>).e_total_kwh = 200;
    await push(hub, [late]);
    const recomputed = await new Scheduler(hub.ctx).recomputeDirty();
    assert.deepEqual(recomputed.map((r) => `${r.kind} ${r.period}`).sort(), [
      `day ${DAY}`,
      `hour ${DAY}T01`,
      `month ${MONTH}`,
    ]);
    assert.deepEqual(
      {
        hour: keeper.stats.built.hour - built.hour,
        day: keeper.stats.built.day - built.day,
        month: keeper.stats.built.month - built.month,
      },
      { hour: 1, day: 1, month: 1 },
      'each roll-up the late record touched was rebuilt exactly once',
    );
    for (const [kind, period] of [
      ['hour', `${DAY}T01`],
      ['day', DAY],
      ['month', MONTH],
    ] as const) {
      const stored = await storedValues(hub, kind, period);
      assertSameValues(stored, await rawValues(hub, kind, period), `${period} after the late record`);
      assert.ok(pueOf(stored, 'gz-01')! > before[kind]!, `${period}: PUE of gz-01 rose with the late energy`);
    }
    // Nothing is stale any more: another pass rebuilds nothing.
    const again = structuredClone(keeper.stats.built);
    await hub.ctx.engine.runPeriod('month', MONTH);
    assert.deepEqual(keeper.stats.built, again);
  } finally {
    await hub.close();
  }
});

test('an hour the hub held from just before it began is folded, and a record from before the hub started is not lost', async () => {
  const hourStart = periodWindow('hour', `${DAY}T05`, TZ).fromMs;
  const storage = await openStorage({ kind: 'sqlite', path: ':memory:' });
  // Stored before this hub started (written straight, as an older hub or an import would): a 15-minute record
  // of gz-01 reaching 10 minutes into the hour.
  const early = telemetry('gz-01', hourStart - 5 * MIN, 3, 15);
  await storage.writeRecords([
    {
      center: 'gz-01',
      province: '52',
      startMs: hourStart - 5 * MIN,
      endMs: hourStart + 10 * MIN,
      source: 'telemetry',
      metrics: early.metrics as Record<string, number>,
    },
  ]);
  let nowMs = hourStart - 4 * MIN;
  const hub = await startTestHub({ now: () => nowMs, storage, config: { engine: { refresh_on_ingest_ms: 0 } } });
  try {
    // Pushed as they happen, ten minutes at a time.
    const tokens = Object.fromEntries(
      ['gz-01', 'gz-02'].map((c) => [c, createToken(hub.ctx.state, `agent:${c}`).token]),
    );
    for (let m = 0; m < 60; m += 10) {
      nowMs = hourStart + (m + 10) * MIN + 5_000;
      for (const c of ['gz-01', 'gz-02']) {
        const records = [];
        for (let k = m; k < m + 10; k++)
          if (c === 'gz-02' || k >= 10) records.push(telemetry(c, hourStart + k * MIN, 1, 1));
        if (records.length === 0) continue;
        const res = await hub.call('POST', '/api/v1/records', { token: tokens[c]!, json: { records } });
        assert.equal(res.status, 200, res.text);
      }
    }
    nowMs = hourStart + 62 * MIN;
    await hub.ctx.engine.runPeriod('hour', `${DAY}T05`);
    assert.equal(hub.ctx.engine.rollups.stats.fromMemory, 1, 'the hour came from the fold');
    const [gz01] = await storage.queryRollups({
      kind: 'hour',
      ...periodWindow('hour', `${DAY}T05`, TZ),
      centers: ['gz-01'],
    });
    // 10 minutes of the early record (pro rata) and 50 one-minute records.
    assert.equal(gz01!.rollup.coveredMs, 60 * MIN);
    assert.ok(
      close(gz01!.metrics.e_total_kwh!, 6000 * (10 / 60) * 3 + 6000 * (50 / 60)),
      `${gz01!.metrics.e_total_kwh}`,
    );
    assertSameValues(
      await storedValues(hub, 'hour', `${DAY}T05`),
      await rawValues(hub, 'hour', `${DAY}T05`),
      'hour 05',
    );
  } finally {
    await hub.close();
  }
});

test('roll-ups arrive only from a federating hub, with their bookkeeping checked field by field', async () => {
  const hourStart = periodWindow('hour', `${DAY}T05`, TZ).fromMs;
  let nowMs = hourStart + 3 * 3_600_000;
  const hub = await startTestHub({ now: () => nowMs, config: { engine: { refresh_on_ingest_ms: 0 } } });
  try {
    const wire = (over: Record<string, unknown> = {}) => ({
      ...rollupToWire({
        center: 'gz-01',
        startMs: hourStart,
        endMs: hourStart + 3_600_000,
        source: 'telemetry',
        metrics: { e_total_kwh: 6000, e_it_kwh: 4800, inlet_temp_c_mean: 24.5 },
        rollup: {
          // IT energy from half the hour's records: a delta's aux is the time its records covered.
          aux: { inlet_temp_c_mean: 3_600_000, e_it_kwh: 1_800_000 },
          records: 60,
          coveredMs: 3_600_000,
          firstStartMs: hourStart,
          lastEndMs: hourStart + 3_600_000,
        },
      }),
      ...over,
    });
    const agent = await hub.call('POST', '/api/v1/records', { scope: 'agent:gz-01', json: { records: [wire()] } });
    assert.equal(agent.status, 400);
    assert.match(agent.text, /roll-ups come only from a provincial hub/);
    const bad = await hub.call('POST', '/api/v1/records', {
      scope: 'federate:52',
      json: {
        records: [
          wire({ rollup: { aux: { e_total_kwh: 4_000_000 }, records: 0, covered_ms: 3_600_000 } }),
          wire({ end: new Date(hourStart + 60_000).toISOString() }),
          wire({ rollup: { aux: {}, records: 2, covered_ms: 9_000_000 } }),
        ],
      },
    });
    assert.equal(bad.status, 400);
    const paths = (bad.body.error.details.rejected as Array<{ errors: Array<{ path: string }> }>).map((r) =>
      r.errors.map((e) => e.path).sort(),
    );
    assert.deepEqual(paths, [['/rollup/aux/e_total_kwh'], ['/end'], ['/rollup', '/rollup/covered_ms']]);
    assert.deepEqual(await hub.ctx.storage.queryRollups({ kind: 'hour', fromMs: 0, toMs: nowMs }), []);
    nowMs += 1;
    const ok = await hub.call('POST', '/api/v1/records', { scope: 'federate:52', json: { records: [wire()] } });
    assert.equal(ok.status, 200, ok.text);
    const stored = await hub.ctx.storage.queryRollups({ kind: 'hour', fromMs: 0, toMs: nowMs });
    assert.equal(stored.length, 1);
    assert.deepEqual(stored[0]!.rollup.aux, { inlet_temp_c_mean: 3_600_000, e_it_kwh: 1_800_000 });
    assert.deepEqual(await hub.ctx.storage.queryRecords({ fromMs: 0, toMs: nowMs }), [], 'not stored as a record');
  } finally {
    await hub.close();
  }
});

/** Records each roll-up read of a store (kind and window) as `reads` strings. */
function spyReads(storage: Storage, reads: string[]): Storage {
  const pages = storage.rollupPages!.bind(storage);
  const packed = storage.packedRollupPages!.bind(storage);
  const query = storage.queryRollups.bind(storage);
  storage.rollupPages = (q) => (reads.push(`${q.kind} ${q.fromMs}-${q.toMs}`), pages(q));
  storage.packedRollupPages = (q, layout) => (reads.push(`${q.kind} ${q.fromMs}-${q.toMs}`), packed(q, layout));
  storage.queryRollups = (q) => (reads.push(`${q.kind} ${q.fromMs}-${q.toMs}`), query(q));
  return storage;
}

/** Whether `reads` holds a read of `kind` roll-ups overlapping `w`. */
const readBack = (reads: string[], kind: string, w: { fromMs: number; toMs: number }) =>
  reads.some((r) => {
    const [k, span] = r.split(' ');
    const [from, to] = span!.split('-').map(Number);
    return k === kind && from! < w.toMs && to! > w.fromMs;
  });

/** Pushes 15-minute records of every center for [fromMs, toMs) as they happen, closing each hour as the schedule would. */
async function liveHours(hub: TestHub, at: { nowMs: number }, fromMs: number, toMs: number): Promise<void> {
  const token = Object.fromEntries(CENTERS.map((c) => [c, createToken(hub.ctx.state, `agent:${c}`).token]));
  for (let t = fromMs; t < toMs; t += 15 * MIN) {
    at.nowMs = t + 15 * MIN + 5_000;
    for (const c of CENTERS) {
      const res = await hub.call('POST', '/api/v1/records', {
        token: token[c]!,
        json: { records: [telemetry(c, t, c === 'gd-01' ? 2 : 1, 15)] },
      });
      assert.equal(res.status, 200, res.text);
    }
    if ((t + 15 * MIN - fromMs) % 3_600_000 === 0) {
      at.nowMs = t + 17 * MIN;
      await hub.ctx.engine.runPeriod('hour', periodsTouching('hour', t, t + 1, TZ)[0]!);
    }
  }
}

test('a day and a month folded as their hours and days are built, primed after a restart, equal storage read back', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-running-'));
  const files = { storage: path.join(dir, 'data.db'), state: path.join(dir, 'state.db') };
  const month = '2026-11';
  const day = '2026-11-01';
  const dayStart = periodWindow('day', day, TZ).fromMs;
  const at = { nowMs: dayStart };
  const reads: string[] = [];
  const open = async () =>
    startTestHub({
      now: () => at.nowMs,
      storage: spyReads(await openStorage({ kind: 'sqlite', path: files.storage }), reads),
      stateFile: files.state,
      config: { engine: { kinds: ['hour', 'day', 'month'], refresh_on_ingest_ms: 0 } },
    });
  try {
    // Two hours on one hub, then a restart mid-day: the new hub reads the day's closed hours once.
    const first = await open();
    try {
      await liveHours(first, at, dayStart, dayStart + 2 * 3_600_000);
    } finally {
      await first.close();
    }
    at.nowMs = dayStart + 2 * 3_600_000 + 20 * MIN;
    const hub = await open();
    try {
      const keeper = hub.ctx.engine.rollups;
      await keeper.prime(['day', 'month']);
      assert.ok(readBack(reads, 'hour', periodWindow('day', day, TZ)), 'the restarted hub read the closed hours once');
      await liveHours(hub, at, dayStart + 2 * 3_600_000 + 30 * MIN, dayStart + 4 * 3_600_000);
      at.nowMs = periodWindow('month', shiftPeriod('month', month, 1, TZ), TZ).fromMs + 2 * MIN;
      reads.length = 0;
      await hub.ctx.engine.runPeriod('day', day);
      await hub.ctx.engine.runPeriod('month', month);
      assert.equal(readBack(reads, 'hour', periodWindow('day', day, TZ)), false, 'the day close read no hour back');
      assert.equal(readBack(reads, 'day', periodWindow('month', month, TZ)), false, 'the month close read no day back');
      assert.equal(keeper.stats.fromRunning.month, 1);

      // The same roll-ups as folding the stored children, and the same values as the raw records.
      const { catalog, storage } = hub.ctx;
      for (const [kind, period, child] of [
        ['day', day, 'hour'],
        ['month', month, 'day'],
      ] as const) {
        const w = periodWindow(kind, period, TZ);
        const children = await storage.queryRollups({ kind: child, ...w });
        const want = new Map(rollUp(catalog, w, children).map((r) => [r.center, r]));
        const got = await storage.queryRollups({ kind, ...w });
        assert.deepEqual(got.map((r) => r.center).sort(), [...want.keys()].sort(), `${period}: centers`);
        for (const g of got) {
          const x = want.get(g.center)!;
          assert.deepEqual(Object.keys(g.metrics).sort(), Object.keys(x.metrics).sort(), `${period} ${g.center}`);
          for (const k in x.metrics) assert.ok(close(g.metrics[k]!, x.metrics[k]!), `${period} ${g.center} ${k}`);
          assert.deepEqual(
            { ...g.rollup, aux: undefined },
            { ...x.rollup, aux: undefined },
            `${period} ${g.center}: bookkeeping`,
          );
        }
        assertSameValues(await storedValues(hub, kind, period), await rawValues(hub, kind, period), period);
      }
      assert.equal(
        (await storage.queryRollups({ kind: 'day', ...periodWindow('day', day, TZ), centers: ['gz-01'] }))[0]!.rollup
          .records,
        14,
        'gz-01: 8 + 6 fifteen-minute records',
      );

      // A late record for an hour already folded: its hour, day and month are rebuilt once, from storage.
      const state = hub.ctx.state;
      state.setCheckpoint('hour', `${day}T23`, at.nowMs);
      state.setCheckpoint('day', day, at.nowMs);
      state.setCheckpoint('month', month, at.nowMs);
      const built = structuredClone(keeper.stats.built);
      const running = structuredClone(keeper.stats.fromRunning);
      const late = telemetry('gz-01', dayStart + 2 * 3_600_000 + 15 * MIN, 3, 15);
      const res = await hub.call('POST', '/api/v1/records', {
        token: createToken(state, 'agent:gz-01').token,
        json: { records: [late] },
      });
      assert.equal(res.status, 200, res.text);
      await new Scheduler(hub.ctx).recomputeDirty();
      assert.deepEqual(
        {
          hour: keeper.stats.built.hour - built.hour,
          day: keeper.stats.built.day - built.day,
          month: keeper.stats.built.month - built.month,
        },
        { hour: 1, day: 1, month: 1 },
      );
      assert.deepEqual(keeper.stats.fromRunning, running, 'the rebuilds read storage');
      for (const [kind, period] of [
        ['day', day],
        ['month', month],
      ] as const)
        assertSameValues(await storedValues(hub, kind, period), await rawValues(hub, kind, period), `${period} late`);
    } finally {
      await hub.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a late record for an hour the running day holds makes the day close read its hours from storage', async () => {
  const day = '2026-11-01';
  const dayStart = periodWindow('day', day, TZ).fromMs;
  const at = { nowMs: dayStart };
  const reads: string[] = [];
  const hub = await startTestHub({
    now: () => at.nowMs,
    storage: spyReads(await openStorage({ kind: 'sqlite', path: ':memory:' }), reads),
    config: { engine: { kinds: ['hour', 'day'], refresh_on_ingest_ms: 0 } },
  });
  try {
    await liveHours(hub, at, dayStart, dayStart + 2 * 3_600_000);
    const late = telemetry('gd-01', dayStart + 30 * MIN, 5, 15);
    const res = await hub.call('POST', '/api/v1/records', {
      token: createToken(hub.ctx.state, 'agent:gd-01').token,
      json: { records: [late] },
    });
    assert.equal(res.status, 200, res.text);
    at.nowMs = dayStart + 86_400_000 + 2 * MIN;
    reads.length = 0;
    await hub.ctx.engine.runPeriod('day', day);
    assert.ok(readBack(reads, 'hour', periodWindow('day', day, TZ)), 'the day close read its hours back');
    // Every hour of the day and of the day a year before once, and the late one again.
    assert.equal(hub.ctx.engine.rollups.stats.built.hour, 24 + 24 + 1);
    assertSameValues(await storedValues(hub, 'day', day), await rawValues(hub, 'day', day), day);
  } finally {
    await hub.close();
  }
});

test('an hour past the raw records is built without reading them: the year-earlier day of a close reads no raw record', async () => {
  const hour = `${DAY}T05`;
  const w = periodWindow('hour', hour, TZ);
  const nowMs = w.toMs + 2 * MIN;
  const storage = await openStorage({ kind: 'sqlite', path: ':memory:', retention: { raw: '35d', recent: '92d' } });
  const rawReads: Array<{ fromMs: number; toMs: number }> = [];
  const packed = storage.packedRecordPages!.bind(storage);
  const query = storage.queryRecords.bind(storage);
  storage.packedRecordPages = (q, layout) => (rawReads.push(q), packed(q, layout));
  storage.queryRecords = (q) => (q.source === 'telemetry' && rawReads.push(q), query(q));
  const hub = await startTestHub({ now: () => nowMs, storage, config: { engine: { refresh_on_ingest_ms: 0 } } });
  try {
    const res = await hub.call('POST', '/api/v1/records', {
      token: createToken(hub.ctx.state, 'agent:gz-01').token,
      json: { records: [telemetry('gz-01', w.fromMs, 1, 15)] },
    });
    assert.equal(res.status, 200, res.text);
    await hub.ctx.engine.runPeriod('hour', hour);
    const horizon = nowMs - 35 * 86_400_000;
    // The comparison a year back is read from that day's roll-up (hours are kept 92 days), built from its hours.
    const yearBack = periodWindow('day', shiftPeriod('day', DAY, -365), TZ);
    assert.ok(
      hub.ctx.state.freshRollups('day', [shiftPeriod('day', DAY, -365)]).size === 1,
      'the day a year back is built',
    );
    assert.deepEqual(
      rawReads
        .filter((q) => q.toMs <= horizon)
        .map((q) => `${new Date(q.fromMs).toISOString()}/${new Date(q.toMs).toISOString()}`),
      [],
      `no read of raw records before ${new Date(horizon).toISOString()} (the day a year back starts ${new Date(yearBack.fromMs).toISOString()})`,
    );
    assert.ok(rawReads.length > 0, 'the spy sees raw reads');
  } finally {
    await hub.close();
  }
});
