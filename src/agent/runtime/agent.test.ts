/** @module The running agent: a hung target never delays the others or the record; records survive a hub outage exactly once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CenterRecord } from '../../model/records.ts';
import { fakePlugin, type FakeBehaviour } from '../testing/fake-plugin.ts';
import { contiguous, startReceiver } from '../testing/receiver.ts';
import { runAgentInProcess } from './agent.ts';

const quiet = () => {};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function meter(kw: number): FakeBehaviour {
  return {
    samples: (now) => [
      { signal: 'energy_kwh', value: 1000 + (kw * now) / 3.6e6 },
      { signal: 'power_watts', value: kw * 1000 },
    ],
  };
}

test('a target that hangs forever never delays the others or the record, and is listed missing', async () => {
  const behaviours = new Map<string, FakeBehaviour>([
    ['m1', meter(100)],
    ['m2', meter(50)],
    [
      'slow',
      { delayMs: 60, samples: () => [{ signal: 'temperature_celsius', value: 24, labels: { location: 'inlet' } }] },
    ],
    ['hung', { hang: true }],
  ]);
  const plugin = fakePlugin(behaviours);
  const dir = mkdtempSync(join(tmpdir(), 'dims-agent-'));
  const records: Array<{ r: CenterRecord; at: number }> = [];
  const agent = await runAgentInProcess(
    {
      center: 'gz-hang',
      interval: '1s',
      scrape_interval: '250ms',
      spread: 0.2,
      defaults: { timeout: '150ms' },
      outbox: { path: join(dir, 'o.sqlite') },
      sinks: [{ type: 'jsonl', path: join(dir, 'r.jsonl') }],
      targets: [
        { id: 'm1', protocol: 'fake', roles: ['facility'], config: { name: 'm1' } },
        { id: 'm2', protocol: 'fake', roles: ['facility'], config: { name: 'm2' } },
        { id: 'slow', protocol: 'fake', roles: ['inlet'], config: { name: 'slow' } },
        { id: 'hung', protocol: 'fake', roles: ['inlet'], config: { name: 'hung' } },
      ],
    },
    { plugins: { fake: plugin }, log: quiet, metricsPort: 0 },
  );
  agent.onRecord((r) => records.push({ r, at: Date.now() }));
  try {
    await sleep(5200);
  } finally {
    await agent.stop();
  }
  assert.ok(records.length >= 4, `only ${records.length} records`);
  // The first record or two cover time before the first scrape; after that every boundary is measured.
  for (const { r, at } of records.slice(2)) {
    assert.deepEqual(r.quality?.targets_missing, ['hung'], JSON.stringify(r.quality));
    // Readings are stamped at the middle of the collection, so event-loop jitter of a millisecond shows.
    assert.ok(
      Math.abs((r.metrics.e_total_kwh as number) - 150 / 3600) < (150 / 3600) * 2e-3,
      `e_total ${r.metrics.e_total_kwh}`,
    );
    assert.equal(r.metrics.inlet_temp_c_mean, 24);
    // Written right after its settle time (spread 50 ms + deadline 150 ms + margin), not after the hung target.
    const late = at - Date.parse(r.end);
    assert.ok(late < 600, `record ${r.start} written ${late} ms after its end`);
  }
  // The hung collector was started once and never again while it was still stuck.
  assert.equal(plugin.calls.get('hung'), 1);
  assert.ok((plugin.calls.get('m1') ?? 0) >= 18, `m1 read ${plugin.calls.get('m1')} times`);
});

test('a failing target backs off exponentially and recovers', async () => {
  const behaviours = new Map<string, FakeBehaviour>([
    ['ok', meter(10)],
    ['bad', { fail: 'connection' }],
  ]);
  const plugin = fakePlugin(behaviours);
  const dir = mkdtempSync(join(tmpdir(), 'dims-agent-'));
  const agent = await runAgentInProcess(
    {
      center: 'gz-backoff',
      interval: '1s',
      scrape_interval: '100ms',
      defaults: { timeout: '50ms', backoff_max: '800ms' },
      outbox: { path: join(dir, 'o.sqlite') },
      sinks: [{ type: 'jsonl', path: join(dir, 'r.jsonl') }],
      targets: [
        { id: 'ok', protocol: 'fake', roles: ['facility'], config: { name: 'ok' } },
        { id: 'bad', protocol: 'fake', roles: ['it'], config: { name: 'bad' } },
      ],
    },
    { plugins: { fake: plugin }, log: quiet, metricsPort: 0 },
  );
  try {
    await sleep(3000);
    const ok = plugin.calls.get('ok') ?? 0;
    const bad = plugin.calls.get('bad') ?? 0;
    // ~30 rounds: with backoff 1, 2, 4, 8 rounds (capped at 800 ms) the bad target is tried ~7 times.
    assert.ok(ok >= 25, `ok read ${ok} times`);
    assert.ok(bad >= 4 && bad <= 10, `bad tried ${bad} times`);
    const text = await (await fetch(`http://127.0.0.1:${agent.metricsPort}/metrics`)).text();
    assert.match(text, /dims_agent_target_up\{target="bad",protocol="fake",center="gz-backoff"\} 0/);
    assert.match(text, /dims_agent_target_up\{target="ok",protocol="fake",center="gz-backoff"\} 1/);
    assert.match(text, /dims_agent_scrape_errors_total\{kind="connection",protocol="fake",center="gz-backoff"\} \d+/);
    assert.match(text, /dims_agent_scrapes_skipped_total\{reason="backoff",protocol="fake",center="gz-backoff"\} \d+/);
    behaviours.set('bad', meter(5));
    await sleep(1500);
    assert.match(
      await (await fetch(`http://127.0.0.1:${agent.metricsPort}/metrics`)).text(),
      /dims_agent_target_up\{target="bad",protocol="fake",center="gz-backoff"\} 1/,
    );
  } finally {
    await agent.stop();
  }
});

test('a partial read is a success, counted per target in /metrics and logged once with what is missing', async () => {
  const behaviours = new Map<string, FakeBehaviour>([
    ['bmc', { ...meter(1), missing: [{ reading: 'power_watts', detail: 'GET http://bmc/Power: invalid JSON' }] }],
    ['ok', meter(2)],
  ]);
  const lines: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'dims-agent-'));
  const agent = await runAgentInProcess(
    {
      center: 'gz-partial',
      interval: '1s',
      scrape_interval: '100ms',
      defaults: { timeout: '50ms' },
      outbox: { path: join(dir, 'o.sqlite') },
      sinks: [{ type: 'jsonl', path: join(dir, 'r.jsonl') }],
      targets: [
        { id: 'bmc', protocol: 'fake', roles: ['it'], config: { name: 'bmc' } },
        { id: 'ok', protocol: 'fake', roles: ['it'], config: { name: 'ok' } },
      ],
    },
    {
      plugins: { fake: fakePlugin(behaviours) },
      log: (level, message, fields) => lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`),
      metricsPort: 0,
    },
  );
  const metrics = async () => (await fetch(`http://127.0.0.1:${agent.metricsPort}/metrics`)).text();
  try {
    await sleep(700);
    const text = await metrics();
    assert.match(text, /dims_agent_target_up\{target="bmc",protocol="fake",center="gz-partial"\} 1/);
    assert.match(text, /dims_agent_target_readings_missing\{target="bmc",protocol="fake",center="gz-partial"\} 1/);
    assert.match(text, /dims_agent_target_readings_missing\{target="ok",protocol="fake",center="gz-partial"\} 0/);
    const warned = lines.filter((l) => l.startsWith('warn target bmc: partial read, missing power_watts'));
    assert.equal(warned.length, 1, lines.join('\n'));
    assert.match(warned[0]!, /GET http:\/\/bmc\/Power: invalid JSON/);
    behaviours.set('bmc', meter(1));
    await sleep(400);
    assert.match(
      await metrics(),
      /dims_agent_target_readings_missing\{target="bmc",protocol="fake",center="gz-partial"\} 0/,
    );
    assert.ok(lines.some((l) => l.startsWith('info target bmc: every expected reading is back')));
  } finally {
    await agent.stop();
  }
});

test('hub down for several intervals, then up: every record arrives exactly once, in order', async () => {
  const token = 'tok-outage-123456';
  process.env.DIMS_TEST_HUB_TOKEN = token;
  const hub = await startReceiver(token);
  const dir = mkdtempSync(join(tmpdir(), 'dims-agent-'));
  const agent = await runAgentInProcess(
    {
      center: 'gz-outage',
      interval: '1s',
      scrape_interval: '250ms',
      defaults: { timeout: '100ms' },
      outbox: { path: join(dir, 'o.sqlite') },
      sinks: [{ type: 'hub', url: hub.url, token: 'env:DIMS_TEST_HUB_TOKEN', gzip: true }],
      metrics: { port: 0 },
      targets: [{ id: 'm1', protocol: 'fake', roles: ['facility'], config: { name: 'm1' } }],
    },
    { plugins: { fake: fakePlugin(new Map([['m1', meter(100)]])) }, log: quiet, sendRetry: { minMs: 50, maxMs: 300 } },
  );
  try {
    await sleep(2200);
    hub.failWith = 503;
    await sleep(3000);
    const depth = agent.outbox.stats().depth;
    assert.ok(depth >= 2, `records should wait in the outbox during the outage (depth ${depth})`);
    hub.failWith = undefined;
    await sleep(2500);
    for (let i = 0; i < 40 && agent.outbox.stats().depth > 0; i++) await sleep(100);
    assert.equal(agent.outbox.stats().depth, 0);
    const metrics = await (await fetch(`http://127.0.0.1:${agent.metricsPort}/metrics`)).text();
    assert.match(metrics, /dims_agent_sink_errors_total\{sink="hub",status="503",center="gz-outage"\} [1-9]/);
    assert.doesNotMatch(metrics, new RegExp(token));
  } finally {
    await agent.stop();
    await hub.close();
  }
  const keys = [...hub.deliveries.keys()];
  assert.ok(keys.length >= 6, `${keys.length} records`);
  assert.deepEqual(
    [...hub.deliveries.values()].filter((n) => n !== 1),
    [],
    'a record was delivered twice',
  );
  assert.deepEqual(contiguous(keys, 1000).gaps, []);
});
