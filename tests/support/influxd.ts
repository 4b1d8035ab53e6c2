/**
 * @module Test harness: a real InfluxDB 1.x (`/usr/bin/influxd`) on loopback with a temporary data directory.
 *
 * API (kept small on purpose; storage, hub, Grafana-query and bench tests share it):
 *
 *   const influx = await startInfluxd({ database: 'dims_test' });  // port: 0 (default) = pick a free one
 *   influx.url        // 'http://127.0.0.1:PORT'
 *   influx.port       // the HTTP port
 *   influx.database   // the database created on start, when `database` was given
 *   influx.dir        // the temp dir (config, data, meta, wal, influxd.log)
 *   await influx.stop()     // graceful stop (SIGTERM); data kept so restart() brings it back
 *   await influx.kill()     // crash (SIGKILL); data kept (WAL replay on restart)
 *   await influx.restart()  // starts again on the same ports and data; waits for /ping 204
 *   await influx.dispose()  // stop and delete the temp dir: call this in `after()`
 *
 * Everything binds 127.0.0.1 only (HTTP and the RPC/backup port), usage reporting and the
 * `_internal` monitor store are off. A missing `influxd` is an error with the install command,
 * never a skip: a test that silently skips because its server is missing does not exist.
 * Set INFLUXD_BIN to use another binary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StartInfluxdOptions {
  /** HTTP port; 0 or omitted picks a free one. */
  port?: number;
  /** A database to create once the server answers. */
  database?: string;
  /** Milliseconds to wait for /ping to answer 204 (default 30 000). */
  startTimeoutMs?: number;
  /** Where the temp dir (config, data, meta, wal, log) is made (default: the OS temp dir), e.g. a small file system. */
  parentDir?: string;
  /**
   * Configured as a national hub's InfluxDB must be (src/storage/influx/README.md, "Cardinality"): the disk-based
   * series index and no series limit. 10,000 centers' indicator values are about 600,000 series per period kind,
   * past the default limit of 1,000,000 by the second kind.
   */
  nationalScale?: boolean;
}

export interface InfluxdHandle {
  url: string;
  port: number;
  database?: string;
  dir: string;
  /** Process id of the running server (undefined while stopped); benchmarks read its CPU from /proc. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
  kill(): Promise<void>;
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

const INSTALL_HINT =
  'Install the Debian package: `apt-get install -y influxdb` (CI does this in .ci/run), or set INFLUXD_BIN.';

/** Absolute path of influxd, or a thrown error that tells how to get it. */
export function influxdBinary(): string {
  const bin = process.env.INFLUXD_BIN ?? '/usr/bin/influxd';
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(`influxd not found or not executable at ${bin}. ${INSTALL_HINT}`);
  }
  return bin;
}

/** A port that was free a moment ago on 127.0.0.1 (bind port 0, read it, release it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function configText(dir: string, httpPort: number, rpcPort: number, nationalScale = false): string {
  return `# Written by tests/support/influxd.ts: loopback only, everything under ${dir}
reporting-enabled = false
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
  trace-logging-enabled = false${nationalScale ? '\n  index-version = "tsi1"\n  max-series-per-database = 0' : ''}

[coordinator]
  log-queries-after = "0s"

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  max-row-limit = 0

[ifql]
  enabled = false

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[continuous_queries]
  log-enabled = false
  run-interval = "1s"

[logging]
  level = "warn"
`;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function pingOnce(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 204;
  } catch {
    return false;
  }
}

function logTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A crashed test must not leave servers behind.
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** Starts influxd on loopback; resolves once /ping answers 204. */
export async function startInfluxd(options: StartInfluxdOptions = {}): Promise<InfluxdHandle> {
  const bin = influxdBinary();
  installExitHook();
  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'dims-influxd-'));
  const configPath = join(dir, 'influxdb.conf');
  const logPath = join(dir, 'influxd.log');
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  let httpPort = options.port && options.port > 0 ? options.port : 0;
  let rpcPort = 0;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const spawnServer = async (): Promise<void> => {
    const log = openSync(logPath, 'a');
    const proc = spawn(bin, ['-config', configPath], { stdio: ['ignore', log, log] });
    closeSync(log);
    child = proc;
    running.add(proc);
    let gone = false;
    exited = new Promise((resolve) => {
      proc.once('exit', () => {
        gone = true;
        running.delete(proc);
        resolve();
      });
    });
    const url = `http://127.0.0.1:${httpPort}`;
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (gone) throw new Error(`influxd exited during start (port ${httpPort}); log tail:\n${logTail(logPath)}`);
      if (await pingOnce(url)) return;
      await sleep(50);
    }
    proc.kill('SIGKILL');
    throw new Error(
      `influxd did not answer /ping within ${startTimeoutMs} ms on ${url}; log tail:\n${logTail(logPath)}`,
    );
  };

  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(sig);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    child = null;
  };

  // Free ports can be taken between probing and binding: try a few pairs before giving up.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt > 0 || httpPort === 0) httpPort = options.port && options.port > 0 ? options.port : await freePort();
    rpcPort = await freePort();
    writeFileSync(configPath, configText(dir, httpPort, rpcPort, options.nationalScale));
    try {
      await spawnServer();
      lastError = undefined;
      break;
    } catch (err) {
      lastError = err;
      await signal('SIGKILL');
      if (options.port && options.port > 0) break;
    }
  }
  if (lastError) {
    rmSync(dir, { recursive: true, force: true });
    throw lastError;
  }

  const url = `http://127.0.0.1:${httpPort}`;
  if (options.database) {
    const res = await fetch(`${url}/query`, {
      method: 'POST',
      body: new URLSearchParams({ q: `CREATE DATABASE "${options.database.replace(/["\\]/g, '\\$&')}"` }),
    });
    if (res.status !== 200) throw new Error(`influxd: CREATE DATABASE failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer().catch(() => undefined);
  }

  const handle: InfluxdHandle = {
    url,
    port: httpPort,
    dir,
    get pid() {
      return (child as ChildProcess | null)?.pid;
    },
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    async restart() {
      await signal('SIGTERM');
      await spawnServer();
    },
    async dispose() {
      await signal('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (options.database) handle.database = options.database;
  return handle;
}
