/** @module Config validation: every problem names the file, the path in the config and the value. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadAgentConfig } from './load.ts';
import { fakePlugin } from '../testing/fake-plugin.ts';

const plugins = { fake: fakePlugin(new Map()) };

function write(text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'dims-agent-cfg-')), 'agent.yaml');
  writeFileSync(f, text);
  return f;
}

async function problems(text: string): Promise<string[]> {
  const f = write(text);
  try {
    await loadAgentConfig(f, { plugins });
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    for (const p of err.problems) assert.ok(p.startsWith(`${f}: `), `problem does not name the file: ${p}`);
    return err.problems.map((p) => p.slice(f.length + 2));
  }
  assert.fail('expected a ConfigError');
}

const GOOD = `
center: gz-0001
interval: 5m
scrape_interval: 1m
sinks:
  - { type: hub, url: "http://127.0.0.1:1", token: "env:DIMS_TEST_TOKEN" }
targets:
  - { id: meter-1, protocol: fake, roles: [facility], config: { name: m1 } }
`;

test('a good config loads with defaults applied', async () => {
  process.env.DIMS_TEST_TOKEN = 'secret-value-123';
  const { config } = await loadAgentConfig(write(GOOD), { plugins });
  assert.equal(config.intervalMs, 300_000);
  assert.equal(config.scrapeIntervalMs, 60_000);
  assert.equal(config.targets[0]!.timeoutMs, 10_000);
  assert.equal(config.sinks[0]!.type, 'hub');
  assert.equal(config.outbox.maxRecords, 100_000);
});

test('schema errors name the path and the value', async () => {
  process.env.DIMS_TEST_TOKEN = 'x';
  const p = await problems(
    GOOD.replace('center: gz-0001', 'center: GZ 0001').replace('roles: [facility]', 'roles: [facilty]'),
  );
  assert.ok(
    p.some((x) => /^\/center must match pattern .*\(got "GZ 0001"\)$/.test(x)),
    p.join('\n'),
  );
  assert.ok(
    p.some((x) => /^\/targets\/0\/roles\/0 .*\(got "facilty"\)$/.test(x)),
    p.join('\n'),
  );
});

test('cross-field rules: scrape interval divides the interval, timeouts fit, ids are unique', async () => {
  process.env.DIMS_TEST_TOKEN = 'x';
  const q = await problems(GOOD.replace('scrape_interval: 1m', 'scrape_interval: 7m'));
  assert.ok(
    q.some((x) => x === '/scrape_interval must divide the interval (300000 ms) (got "7m")'),
    q.join('\n'),
  );
  for (const interval of ['7m', '2h', '1500ms'])
    assert.ok(
      (await problems(GOOD.replace('interval: 5m', `interval: ${interval}`))).includes(
        `/interval must be whole seconds that divide an hour (1s … 1m, 5m, 10m, 15m, 30m, 1h) (got "${interval}")`,
      ),
      interval,
    );
  const p = await problems(GOOD + '  - { id: meter-1, protocol: fake, timeout: 2m, config: { name: m2 } }\n');
  assert.ok(
    p.some((x) => x === '/targets/1/id duplicates /targets/0/id (got "meter-1")'),
    p.join('\n'),
  );
  assert.ok(
    p.some((x) => x.startsWith('/targets/1/timeout must leave room for the spread') && x.endsWith('(got "2m")')),
    p.join('\n'),
  );
});

test('protocol options are checked against the plugin schema, unknown protocols refused', async () => {
  process.env.DIMS_TEST_TOKEN = 'x';
  const p = await problems(
    GOOD.replace('config: { name: m1 }', 'config: { nam: m1 }') + '  - { id: x, protocol: ftp, config: {} }\n',
  );
  assert.ok(
    p.some((x) => x === '/targets/0/config/nam is not an allowed field (got "m1")'),
    p.join('\n'),
  );
  assert.ok(
    p.some((x) => x.startsWith('/targets/0/config/name is required')),
    p.join('\n'),
  );
  assert.ok(
    p.some((x) => x.startsWith('/targets/1/protocol unknown protocol') && x.endsWith('(got "ftp")')),
    p.join('\n'),
  );
});

test('a missing secret is named by its reference, the value is never printed', async () => {
  delete process.env.DIMS_TEST_TOKEN;
  const p = await problems(GOOD);
  assert.deepEqual(p, ['/sinks/0/token environment variable DIMS_TEST_TOKEN is not set (got "env:DIMS_TEST_TOKEN")']);
  process.env.DIMS_TEST_TOKEN = 'do-not-print-me';
  const f = write(GOOD.replace('center: gz-0001', 'center: "BAD"'));
  await assert.rejects(loadAgentConfig(f, { plugins }), (err: Error) => !err.message.includes('do-not-print-me'));
});

test('broken YAML is reported with the file name', async () => {
  const f = write('center: [unclosed\n');
  await assert.rejects(
    loadAgentConfig(f, { plugins }),
    (err: Error) => err instanceof ConfigError && err.message.startsWith(`${f}: `),
  );
});

test('a key given twice is refused with its line, and a date-like scalar stays a string (YAML 1.2 core schema)', async () => {
  const dup = write(GOOD.replace('center: gz-0001', 'center: gz-0001\ncenter: gz-0002'));
  await assert.rejects(
    loadAgentConfig(dup, { plugins }),
    (err: Error) =>
      err instanceof ConfigError &&
      err.problems.length === 1 &&
      /^.*: duplicated mapping key \(\d+:\d+\)$/.test(err.problems[0]!),
  );
  const dated = write(GOOD.replace('center: gz-0001', 'center: 2026-12-07'));
  const { config } = await loadAgentConfig(dated, { plugins });
  assert.equal(config.center, '2026-12-07');
});

test('the documented sample config is valid', async () => {
  process.env.DIMS_HUB_TOKEN = 'x';
  const { config } = await loadAgentConfig(new URL('../sample.yaml', import.meta.url).pathname, { skipSecrets: true });
  assert.ok(config.targets.length >= 4);
});
