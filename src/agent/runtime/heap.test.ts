/** Tests of the agent's heap sizing: the flags, `dims agent` restarting itself under them, and the near-limit log line. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  agentHeapFlags,
  configuredOldSpaceMiB,
  configuredSemiSpaceMiB,
  HEAP_GROWING_PERCENT,
  oldSpaceMiB,
  SEMI_SPACE_MIB,
} from './heap.ts';
import { MALLOC_ARENAS } from './malloc-arenas.ts';

const root = path.resolve(import.meta.dirname, '../../..');

test('the old-space limit grows with the target count', () => {
  assert.ok(oldSpaceMiB(5000) > oldSpaceMiB(500));
  assert.ok(oldSpaceMiB(50_000) - oldSpaceMiB(5000) >= 350, '45,000 more targets get at least 350 MiB more');
  assert.ok(oldSpaceMiB(0) - 35 >= 3 * SEMI_SPACE_MIB, 'room for a whole young generation beyond the live base');
  assert.deepEqual(agentHeapFlags(5000), [
    `--max-old-space-size=${oldSpaceMiB(5000)}`,
    `--max-semi-space-size=${SEMI_SPACE_MIB}`,
    `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
  ]);
});

test('an operator-set limit is found in the node flags or NODE_OPTIONS, the last one winning', () => {
  assert.equal(configuredOldSpaceMiB([]), undefined);
  assert.equal(configuredOldSpaceMiB(['--max-semi-space-size=8'], '--enable-source-maps'), undefined);
  assert.equal(configuredOldSpaceMiB([], '--max-old-space-size=300'), 300);
  assert.equal(configuredSemiSpaceMiB(['--max-semi-space-size=16'], '--max-old-space-size=300'), 16);
  assert.equal(configuredOldSpaceMiB(['--max_old_space_size=512'], '--max-old-space-size=300'), 512);
});

/**
 * Runs `dims agent` on `targets` unreachable exporters until it logs its heap limit; returns that line and the
 * environment of the process that logged it (the relaunched agent keeps the pid).
 */
async function heapLine(
  targets: number,
  env: Record<string, string> = {},
): Promise<Record<string, unknown> & { environ: Map<string, string> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-heap-'));
  try {
    const lines = Array.from(
      { length: targets },
      (_, i) => `  - { id: e${i}, protocol: prometheus, roles: [], config: { url: "http://127.0.0.1:9/m${i}" } }`,
    );
    writeFileSync(
      path.join(dir, 'agent.yaml'),
      [
        'center: heap-test',
        'log_level: info',
        'sinks: [{ type: stdout }]',
        `outbox: { path: ${path.join(dir, 'outbox.sqlite')} }`,
        'targets:',
        ...lines,
        '',
      ].join('\n'),
    );
    const child = spawn(
      process.execPath,
      [path.join(root, 'src/cli/main.ts'), 'agent', '--config', path.join(dir, 'agent.yaml')],
      { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    let done = false;
    try {
      return await new Promise((resolve, reject) => {
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          const line = err.split('\n').find((l) => l.includes('heap limit') || l.includes('max-old-space-size'));
          // Read once: the agent is stopped after this, and later output must not read /proc again.
          if (!line || done) return;
          done = true;
          const environ = new Map(
            readFileSync(`/proc/${child.pid}/environ`, 'latin1')
              .split('\0')
              .filter(Boolean)
              .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as [string, string]),
          );
          resolve({ ...(JSON.parse(line) as Record<string, unknown>), environ });
        });
        child.on('exit', (code) => reject(new Error(`dims agent exited (${code}) before logging its heap:\n${err}`)));
      });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('dims agent restarts itself under limits sized for its targets', async () => {
  const line = await heapLine(3);
  // V8's heap limit is the old space plus three semi-spaces.
  assert.equal(line.heap_limit_mib, oldSpaceMiB(3) + 3 * SEMI_SPACE_MIB);
  assert.equal(line.level, 'info');
  assert.equal(line.environ.get('MALLOC_ARENA_MAX'), String(MALLOC_ARENAS));
});

test('dims agent keeps an operator-set number of malloc arenas', async () => {
  const line = await heapLine(3, { MALLOC_ARENA_MAX: '3' });
  assert.equal(line.environ.get('MALLOC_ARENA_MAX'), '3');
});

test('dims agent fills Node’s compile cache, and starts again from it', async () => {
  const cacheRoot = mkdtempSync(path.join(tmpdir(), 'dims-cache-'));
  try {
    // TMPDIR moves Node's default cache directory, so this test sees only what this agent wrote.
    const first = await heapLine(3, { TMPDIR: cacheRoot });
    const cached = readdirSync(path.join(cacheRoot, 'node-compile-cache'), { recursive: true });
    assert.ok(cached.length > 0, 'the agent wrote its compiled modules to the cache');
    const second = await heapLine(3, { TMPDIR: cacheRoot });
    assert.equal(second.heap_limit_mib, first.heap_limit_mib);
  } finally {
    rmSync(cacheRoot, { recursive: true, force: true });
  }
});

test('dims agent keeps an operator-set limit and warns when it is below the sizing', async () => {
  const line = await heapLine(3, { NODE_OPTIONS: '--max-old-space-size=40' });
  assert.equal(line.level, 'warn');
  assert.match(String(line.msg), /--max-old-space-size=40 is below the \d+ MiB dims sizes for 3 targets/);
});

test('a live heap near its limit is logged as an error naming the flag, before any out-of-memory crash', async () => {
  // A process with a 64 MiB old space keeps 56 MiB of arrays alive, then collects: the watcher must speak.
  const script = `
    import { watchHeap } from ${JSON.stringify(path.join(import.meta.dirname, 'heap.ts'))};
    watchHeap(5000, (level, message) => console.log(JSON.stringify({ level, message })));
    const keep = [];
    for (let i = 0; i < 7; i++) keep.push(new Array(1 << 20).fill(i + 0.5));
    globalThis.gc();
    setTimeout(() => console.log(JSON.stringify({ kept: keep.length })), 200);
  `;
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=64', '--max-semi-space-size=1', '--input-type=module', '-e', script],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise((r) => child.once('exit', r));
  assert.equal(code, 0, out);
  const error = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level?: string; message?: string })
    .find((l) => l.level === 'error');
  assert.ok(error, `no error line:\n${out}`);
  assert.match(error.message!, /after a full collection, \d+ % of its \d+ MiB limit, with 5000 targets/);
  assert.match(error.message!, /--max-old-space-size/);
});
