/**
 * @module The reference tools of the benchmark, run as the Debian packages ship them: Prometheus scraping
 * the simulated exporters, and snmp_exporter walking the simulated SNMP devices with an snmp.yml generated
 * here from the same OIDs our SNMP profiles read (the generator and the vendor MIBs are not installed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadProfile } from '../../../collectors/snmp/profile.ts';
import type { ProfileName } from '../../../collectors/snmp/types.ts';
import type { ExporterEndpoint, SnmpEndpoint } from './fleet.ts';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const SNMP_EXPORTER_BIN = '/usr/bin/prometheus-snmp-exporter';

/** A free loopback TCP port (bound, read and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A started external process, its output in a log file. */
export interface Tool {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  readonly log: string;
  stop(): Promise<void>;
}

/** Starts `bin` and waits until `readyPath` on its port answers 200 (or the process exits). */
export async function startTool(
  name: string,
  bin: string,
  args: string[],
  port: number,
  readyPath: string,
  logFile: string,
  timeoutMs = 30_000,
): Promise<Tool> {
  const out = createWriteStream(logFile);
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, sig) => ((exited = `exited with ${code ?? sig}`), resolve())),
  );
  child.once('error', (err) => (exited = err.message));
  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(t);
    }
    out.end();
  };
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`${name} ${exited} before it was ready; see ${logFile}`);
    }
    try {
      const r = await fetch(`http://127.0.0.1:${port}${readyPath}`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      await stop();
      throw new Error(`${name} did not become ready within ${timeoutMs} ms; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name, pid: child.pid!, port, log: logFile, stop };
}

// --- Prometheus ----------------------------------------------------------------------------------

/** prometheus.yml scraping every exporter (one static group per path on the shared simulator port). */
export function prometheusConfig(exporters: ExporterEndpoint[], intervalMs: number, timeoutMs: number): string {
  return stringify({
    global: { scrape_interval: `${intervalMs}ms`, scrape_timeout: `${timeoutMs}ms`, evaluation_interval: '1h' },
    scrape_configs: [
      {
        job_name: 'exporters',
        static_configs: exporters.map((e) => ({
          targets: [`127.0.0.1:${e.port}`],
          labels: { __metrics_path__: e.path, exporter: e.id },
        })),
      },
    ],
  });
}

export async function startPrometheus(
  dir: string,
  exporters: ExporterEndpoint[],
  intervalMs: number,
  timeoutMs: number,
): Promise<Tool> {
  const port = await freePort();
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(config, prometheusConfig(exporters, intervalMs, timeoutMs));
  const args = [
    `--config.file=${config}`,
    `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ];
  return startTool('prometheus', PROMETHEUS_BIN, args, port, '/-/ready', path.join(dir, 'prometheus.log'));
}

/** Scrapes Prometheus performed in (t1 − windowMs, t1], from the `up` samples it wrote; `ok` counts up == 1. */
export async function prometheusScrapes(
  port: number,
  t1Ms: number,
  windowMs: number,
): Promise<{ scrapes: number; ok: number }> {
  const q = async (expr: string) => {
    const u = new URL(`http://127.0.0.1:${port}/api/v1/query`);
    u.searchParams.set('query', expr);
    u.searchParams.set('time', String(t1Ms / 1000));
    const body = (await (await fetch(u)).json()) as {
      status: string;
      data?: { result: Array<{ value: [number, string] }> };
      error?: string;
    };
    if (body.status !== 'success') throw new Error(`Prometheus query ${expr}: ${body.error ?? body.status}`);
    return Number(body.data?.result[0]?.value[1] ?? 0);
  };
  const w = `${Math.round(windowMs)}ms`;
  return {
    scrapes: await q(`sum(count_over_time(up{job="exporters"}[${w}]))`),
    ok: await q(`sum(sum_over_time(up{job="exporters"}[${w}]))`),
  };
}

// --- snmp_exporter -------------------------------------------------------------------------------

export interface WalkOptions {
  maxRepetitions: number;
  timeoutMs: number;
  retries: number;
}

/** The snmp_exporter module reading what one of our profiles reads: tables walked, scalars fetched with GET. */
export function snmpModule(profile: ProfileName, community: string, opts: WalkOptions): Record<string, unknown> {
  const p = loadProfile(profile);
  const walk: string[] = [];
  const get: string[] = [];
  const metrics: Array<Record<string, unknown>> = [];
  for (const s of p.scalars ?? []) {
    get.push(s.oid);
    metrics.push({ name: s.name, oid: s.oid.replace(/\.0$/, ''), type: 'gauge', help: `${s.name} - ${s.oid}` });
  }
  for (const t of p.tables ?? []) {
    for (const c of t.columns ?? []) {
      const oid = `${t.entry}.${c.column}`;
      walk.push(oid);
      metrics.push({
        name: c.name,
        oid,
        type: 'gauge',
        help: `${c.name} - ${oid}`,
        indexes: [{ labelname: `${t.name}Index`, type: 'gauge' }],
      });
    }
  }
  return {
    ...(walk.length ? { walk } : {}),
    ...(get.length ? { get } : {}),
    metrics,
    version: 2,
    max_repetitions: opts.maxRepetitions,
    retries: opts.retries,
    timeout: `${opts.timeoutMs}ms`,
    auth: { community },
  };
}

/**
 * snmp.yml (snmp_exporter 0.21 format, where the community belongs to the module): one module per device,
 * named after it, because our simulator tells devices apart by community as a fleet of real PDUs would
 * each have their own.
 */
export function snmpExporterConfig(devices: SnmpEndpoint[], opts: WalkOptions): string {
  return stringify(Object.fromEntries(devices.map((d) => [d.id, snmpModule(d.profile, d.community, opts)])));
}

export async function startSnmpExporter(dir: string, devices: SnmpEndpoint[], opts: WalkOptions): Promise<Tool> {
  const port = await freePort();
  const config = path.join(dir, 'snmp.yml');
  writeFileSync(config, snmpExporterConfig(devices, opts));
  return startTool(
    'snmp_exporter',
    SNMP_EXPORTER_BIN,
    [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    port,
    '/metrics',
    path.join(dir, 'snmp_exporter.log'),
  );
}

/** One walk through snmp_exporter, as Prometheus would request it. */
export function snmpWalkUrl(exporterPort: number, d: SnmpEndpoint): string {
  return `http://127.0.0.1:${exporterPort}/snmp?target=127.0.0.1:${d.port}&module=${encodeURIComponent(d.id)}`;
}

/** Whether a walk answer is a complete one: snmp_exporter answers 200 with partial data after SNMP errors, and says so in its log only. */
export function walkSucceeded(status: number, body: string): boolean {
  return status === 200 && /^snmp_scrape_pdus_returned \d/m.test(body) && !/^# HELP snmp_error/m.test(body);
}
