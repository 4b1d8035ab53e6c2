/**
 * @module Test harness: a real Prometheus (`/usr/bin/prometheus`) and a real Alertmanager
 * (`/usr/bin/prometheus-alertmanager`) on free 127.0.0.1 ports with temporary directories.
 *
 *   const am = await startAlertmanager({ config: yamlText });          // am.url
 *   const prom = await startPrometheus({ scrape: [{ job: 'hub', target: '127.0.0.1:8470' }],
 *                                        ruleFiles: ['/tmp/x/dims-alerts.yml'], alertmanager: am.url });
 *   await prom.query('up')                                              // instant query → result[]
 *   await prom.dispose(); await am.dispose();
 *
 * Alertmanager runs with `--cluster.listen-address=` (no gossip port). A missing binary is an error
 * naming the Debian package, never a skip. PROMETHEUS_BIN / ALERTMANAGER_BIN override the paths.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './influxd.ts';

export interface ServerHandle {
  url: string;
  port: number;
  dir: string;
  log(): string;
  dispose(): Promise<void>;
}

export interface PrometheusHandle extends ServerHandle {
  /** Instant query; throws on an error status. */
  query(expr: string, timeSec?: number): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** Range query over the last `seconds`. */
  queryRange(
    expr: string,
    seconds: number,
    stepSec?: number,
  ): Promise<Array<{ metric: Record<string, string>; values: Array<[number, string]> }>>;
  /** Waits until every scrape target reports health "up". */
  waitForTargetsUp(timeoutMs?: number): Promise<void>;
}

function binary(envName: string, path: string, pkg: string): string {
  const bin = process.env[envName] ?? path;
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(
      `${bin} not found or not executable. Install the Debian package: apt-get install -y ${pkg} (.ci/run does), or set ${envName}.`,
    );
  }
  return bin;
}

const running = new Set<ChildProcess>();
let hooked = false;
function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
}

async function waitReady(url: string, proc: ChildProcess, logPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null)
      throw new Error(`${url}: process exited (${proc.exitCode}); log tail:\n${tail(logPath)}`);
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error(`${url} was not ready within ${timeoutMs} ms; log tail:\n${tail(logPath)}`);
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-25).join('\n');
  } catch {
    return '(no log)';
  }
}

async function launch(
  bin: string,
  args: (port: number, dir: string) => string[],
  prefix: string,
  setup: (dir: string) => void,
): Promise<ServerHandle & { proc: ChildProcess }> {
  hook();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  setup(dir);
  const logPath = join(dir, 'server.log');
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const fd = openSync(logPath, 'a');
    const proc = spawn(bin, args(port, dir), { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    running.add(proc);
    const exited = new Promise<void>((r) =>
      proc.once('exit', () => {
        running.delete(proc);
        r();
      }),
    );
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitReady(url, proc, logPath, 30_000);
      return {
        url,
        port,
        dir,
        proc,
        log: () => readFileSync(logPath, 'utf8'),
        async dispose() {
          if (proc.exitCode === null && proc.signalCode === null) {
            proc.kill('SIGTERM');
            const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
            await exited;
            clearTimeout(t);
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      lastErr = err;
      proc.kill('SIGKILL');
      await exited;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastErr;
}

export interface StartAlertmanagerOptions {
  /** alertmanager.yml text. */
  config: string;
}

/** Starts Alertmanager on loopback with gossip disabled. */
export async function startAlertmanager(o: StartAlertmanagerOptions): Promise<ServerHandle> {
  const bin = binary('ALERTMANAGER_BIN', '/usr/bin/prometheus-alertmanager', 'prometheus-alertmanager');
  const h = await launch(
    bin,
    (port, dir) => [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=http://127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    'dims-am-',
    (dir) => writeFileSync(join(dir, 'alertmanager.yml'), o.config),
  );
  return h;
}

export interface ScrapeTarget {
  job: string;
  /** host:port */
  target: string;
  path?: string;
  bearerToken?: string;
  labels?: Record<string, string>;
}

export interface StartPrometheusOptions {
  scrape: ScrapeTarget[];
  ruleFiles?: string[];
  alertmanager?: string;
  /** Scrape and evaluation interval (default 1s: tests want answers quickly). */
  interval?: string;
}

/** Starts Prometheus on loopback with the given scrape jobs, rule files and Alertmanager. */
export async function startPrometheus(o: StartPrometheusOptions): Promise<PrometheusHandle> {
  const bin = binary('PROMETHEUS_BIN', '/usr/bin/prometheus', 'prometheus');
  const interval = o.interval ?? '1s';
  const config = (dir: string) => ({
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    rule_files: o.ruleFiles ?? [],
    ...(o.alertmanager
      ? {
          alerting: {
            alertmanagers: [{ static_configs: [{ targets: [o.alertmanager.replace(/^https?:\/\//, '')] }] }],
          },
        }
      : {}),
    // Targets of the same job share one scrape config (Prometheus refuses duplicate job names).
    scrape_configs: [...new Set(o.scrape.map((s) => s.job))].map((job, i) => {
      const targets = o.scrape.filter((s) => s.job === job);
      const first = targets[0] as ScrapeTarget;
      const tokenFile = join(dir, `token-${i}`);
      if (first.bearerToken) writeFileSync(tokenFile, first.bearerToken);
      return {
        job_name: job,
        metrics_path: first.path ?? '/metrics',
        ...(first.bearerToken ? { authorization: { type: 'Bearer', credentials_file: tokenFile } } : {}),
        static_configs: targets.map((t) => ({ targets: [t.target], ...(t.labels ? { labels: t.labels } : {}) })),
      };
    }),
  });
  const h = await launch(
    bin,
    (port, dir) => [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=2h',
      '--log.level=warn',
      // Alerts that fire before Alertmanager is discovered are dropped and re-sent only after this delay (default 1m).
      '--rules.alert.resend-delay=2s',
    ],
    'dims-prom-',
    (dir) => writeFileSync(join(dir, 'prometheus.yml'), stringify(config(dir))),
  );
  const api = async (path: string, params: Record<string, string>) => {
    const res = await fetch(`${h.url}${path}`, { method: 'POST', body: new URLSearchParams(params) });
    const body = (await res.json()) as { status: string; error?: string; data: { result: unknown } };
    if (body.status !== 'success')
      throw new Error(`prometheus ${path} ${JSON.stringify(params)}: ${res.status} ${body.error}`);
    return body.data.result;
  };
  return {
    ...h,
    query: async (expr, timeSec) =>
      (await api('/api/v1/query', {
        query: expr,
        ...(timeSec !== undefined ? { time: String(timeSec) } : {}),
      })) as Array<{ metric: Record<string, string>; value: [number, string] }>,
    queryRange: async (expr, seconds, step = 1) => {
      const end = Date.now() / 1000;
      return (await api('/api/v1/query_range', {
        query: expr,
        start: String(end - seconds),
        end: String(end),
        step: String(step),
      })) as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
    },
    async waitForTargetsUp(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        const res = await fetch(`${h.url}/api/v1/targets`);
        const body = (await res.json()) as {
          data: { activeTargets: Array<{ health: string; scrapeUrl: string; lastError: string }> };
        };
        const t = body.data.activeTargets;
        last = JSON.stringify(t.map((x) => [x.scrapeUrl, x.health, x.lastError]));
        if (t.length === o.scrape.length && t.every((x) => x.health === 'up')) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`scrape targets not up within ${timeoutMs} ms: ${last}`);
    },
  };
}
