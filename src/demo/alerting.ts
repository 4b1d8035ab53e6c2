/**
 * @module The demo's on-call path: a real Prometheus scraping the hub with the alert rules `dims rules build`
 * writes, and a real Alertmanager delivering to the hub's alert history — started when the Debian packages
 * `prometheus` and `prometheus-alertmanager` are installed; otherwise one line says what to install.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { stringify } from 'yaml';
import { defaultCatalog } from '../catalog/load.ts';
import { parseRouting } from '../../alerting/alertmanager.ts';
import { writeRulesTree } from '../../alerting/build.ts';

/** The programs, by the names the Debian packages install them under (Alertmanager's upstream name too). */
const PROGRAMS = {
  prometheus: { names: ['prometheus'], pkg: 'prometheus' },
  alertmanager: { names: ['prometheus-alertmanager', 'alertmanager'], pkg: 'prometheus-alertmanager' },
} as const;

/** The first executable called one of `names` on PATH (or in /usr/bin), or undefined. */
export function findProgram(names: readonly string[], searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const file = path.join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Which programs are missing, and the line that tells a user how to get them; undefined when both are there. */
export function missingAlerting(searchPath?: string): { line: string } | undefined {
  const missing = Object.values(PROGRAMS).filter((p) => findProgram(p.names, searchPath) === undefined);
  if (missing.length === 0) return undefined;
  const pkgs = missing.map((p) => p.pkg).join(' ');
  return {
    line: `alerts: off — ${missing.map((p) => p.names[0]).join(' and ')} not found on PATH; install with: sudo apt-get install ${pkgs} (Debian/Ubuntu), then start again`,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Server {
  url: string;
  stop(): Promise<void>;
}

/** Starts a program on a free loopback port and waits for its /-/ready; its output goes to `logFile`. */
async function startServer(bin: string, args: (port: number) => string[], logFile: string): Promise<Server> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const fd = openSync(logFile, 'a');
    const proc: ChildProcess = spawn(bin, args(port), { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    const kill = () => proc.kill('SIGKILL');
    process.once('exit', kill);
    const url = `http://127.0.0.1:${port}`;
    const stop = async () => {
      process.off('exit', kill);
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(kill, 10_000);
        await exited;
        clearTimeout(t);
      }
    };
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && proc.exitCode === null) {
      const ok = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.arrayBuffer().then(() => r.status === 200),
        () => false,
      );
      if (ok) return { url, stop };
      await new Promise((r) => setTimeout(r, 200));
    }
    await stop();
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-10).join('\n');
    last = new Error(`${path.basename(bin)} did not become ready on port ${port}; ${logFile}:\n${tail}`);
  }
  throw last;
}

export interface Alerting {
  prometheusUrl: string;
  alertmanagerUrl: string;
  /** Where the rules, runbooks, configs, data and logs are. */
  dir: string;
  stop(): Promise<void>;
}

export interface AlertingOptions {
  /** Folder for the generated rules tree, configs, data and logs (created). */
  dir: string;
  hubUrl: string;
  /** A token Prometheus reads /metrics with (nation scope). */
  metricsToken: string;
  /** A token with the alertmanager scope, for the hub's alert history. */
  alertsToken: string;
  /** Scrape and rule-evaluation interval, e.g. 15s. */
  interval: string;
  /**
   * The `for:` of the environment rules (inlet temperature), which a fault trips within minutes: the demo cannot
   * wait the production 5–10 minutes. Indicator rules keep the catalog's 15 minutes to a day, as in production.
   */
  forOverride: string;
  /** Where the runbooks are served (the hub serves the generated ones). */
  runbookBase: string;
}

/** A secret for one of the servers, in a file only its owner reads. */
function secretFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** `dims rules build` into `o.dir`, with a routing that records every alert in the hub's history and pages nobody. */
function writeRules(o: AlertingOptions): void {
  const routing = parseRouting({
    default_receiver: 'national-desk',
    watchdog_receiver: 'deadman',
    group_wait: '5s',
    group_interval: '15s',
    repeat_interval: { critical: '1h', warning: '4h' },
    hub_history: {
      url: `${o.hubUrl}/api/v1/alerts`,
      bearer_token_file: secretFile(o.dir, 'alertmanager-hub.token', o.alertsToken),
    },
    receivers: [{ name: 'national-desk' }, { name: 'deadman' }],
  });
  writeRulesTree(defaultCatalog(), o.dir, {
    routing,
    interval: o.interval,
    forOverride: o.forOverride,
    forOverrideKinds: ['environment'],
    urls: { runbookBase: o.runbookBase },
  });
}

/** prometheus.yml: the hub scraped with a nation token, the rules, the Alertmanager at `alertmanagerUrl`. */
function writePrometheusConfig(o: AlertingOptions, alertmanagerUrl: string): string {
  const file = path.join(o.dir, 'prometheus', 'prometheus.yml');
  writeFileSync(
    file,
    stringify({
      global: { scrape_interval: o.interval, evaluation_interval: o.interval },
      rule_files: [path.join(o.dir, 'prometheus', 'dims-alerts.yml')],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [new URL(alertmanagerUrl).host] }] }] },
      scrape_configs: [
        {
          job_name: 'dims-hub',
          authorization: {
            type: 'Bearer',
            credentials_file: secretFile(o.dir, 'prometheus-hub.token', o.metricsToken),
          },
          static_configs: [{ targets: [new URL(o.hubUrl).host] }],
        },
      ],
    }),
  );
  return file;
}

/**
 * Writes the rules tree and starts Alertmanager, then Prometheus. Throws when either does not come up; call
 * `missingAlerting` first.
 */
export async function startAlerting(o: AlertingOptions): Promise<Alerting> {
  const bin = (k: keyof typeof PROGRAMS) => findProgram(PROGRAMS[k].names)!;
  mkdirSync(o.dir, { recursive: true });
  writeRules(o);
  const am = await startServer(
    bin('alertmanager'),
    (port) => [
      `--config.file=${path.join(o.dir, 'alertmanager', 'alertmanager.yml')}`,
      `--storage.path=${path.join(o.dir, 'alertmanager', 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=http://127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    path.join(o.dir, 'alertmanager.log'),
  );
  try {
    const config = writePrometheusConfig(o, am.url);
    const prom = await startServer(
      bin('prometheus'),
      (port) => [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(o.dir, 'prometheus', 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=1d',
        '--log.level=warn',
        '--rules.alert.resend-delay=5s',
      ],
      path.join(o.dir, 'prometheus.log'),
    );
    return {
      prometheusUrl: prom.url,
      alertmanagerUrl: am.url,
      dir: o.dir,
      async stop() {
        await prom.stop();
        await am.stop();
      },
    };
  } catch (err) {
    await am.stop();
    throw err;
  }
}
