/**
 * @module `dims start` (npm start): the national demo — simulated centers in every province speaking real
 * protocols, one agent each, a national hub and the web console — until Ctrl-C.
 */
import { parseOptions } from '../args.ts';
import { CliError } from '../errors.ts';
import { demoInstant, readDemoConfig, resolveDemoOptions, type DemoOptions } from '../../demo/options.ts';
import type { Reporter } from '../../demo/progress.ts';
import type { RunningDemo } from '../../demo/run.ts';

const HELP = `Usage: dims start [options]      (npm start -- [options])

Starts, in one process: a simulated national fleet serving its devices over Redfish, SNMP,
Modbus TCP and Prometheus exporters on 127.0.0.1; one collector agent per center; a national
hub on the embedded store; the web console; and, when installed, a real Prometheus and
Alertmanager on the hub. It backfills last month and this month from the simulator's model up to
the instant the agents take over, and a few minutes in trips the chillers of one center so an
alert fires and resolves. Ctrl-C stops it all.

Options:
  --config F           demo config file (YAML; src/demo/demo-config.schema.json)
  --centers N          simulated centers (default 100, up to 2000)
  --seed S             fleet seed (default 1)
  --port P             hub and console port on 127.0.0.1 (default 8470; 0 = any free port)
  --data DIR           where the demo keeps its data (default var/demo; recreated at start)
  --now T              run the demo's clock from T: RFC 3339, or a date / date and time in
                       Asia/Shanghai (2028-02-29, 2027-03-31T23:59); also DIMS_DEMO_NOW
  --backfill-days D    days of history before live collection (default: back to the first
                       day of last month; 0 = none)
  --interval I         record interval of the agents (default 1m)
  --scrape-interval I  device read interval (default 30s)
  --fault-after D      when the chillers trip after start (default 3m; 0s = no fault)
  --fault-duration D   how long they stay off (default 5m)
  --no-alerts          do not start Prometheus and Alertmanager
  --influx URL         store in InfluxDB at URL (database dims) instead of the embedded store
  --prometheus         open /metrics without a token for a real Prometheus
  --grafana-out DIR    also write the Grafana provisioning tree for this fleet
  --rules-out DIR      also write Prometheus rules and the Alertmanager config`;

function int(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new CliError(`--${name} must be an integer (got ${JSON.stringify(v)})`, 2);
  return n;
}

const OPTIONS = {
  config: { type: 'string' },
  centers: { type: 'string' },
  seed: { type: 'string' },
  port: { type: 'string' },
  data: { type: 'string' },
  now: { type: 'string' },
  'fault-after': { type: 'string' },
  'fault-duration': { type: 'string' },
  'no-alerts': { type: 'boolean' },
  'backfill-days': { type: 'string' },
  interval: { type: 'string' },
  'scrape-interval': { type: 'string' },
  influx: { type: 'string' },
  prometheus: { type: 'boolean' },
  'grafana-out': { type: 'string' },
  'rules-out': { type: 'string' },
} as const;

type Values = ReturnType<typeof parseOptions<typeof OPTIONS>>['values'];

/** Defaults, the config file and the command line (and DIMS_DEMO_NOW), validated; a bad value is a CliError. */
function demoOptions(values: Values): DemoOptions {
  const overrides: Partial<DemoOptions> = {};
  const set = <K extends keyof DemoOptions>(k: K, v: DemoOptions[K] | undefined) => {
    if (v !== undefined) overrides[k] = v;
  };
  set('centers', int(values.centers, 'centers'));
  set('seed', int(values.seed, 'seed'));
  set('port', int(values.port, 'port'));
  set('backfill_days', int(values['backfill-days'], 'backfill-days'));
  set('data_dir', values.data);
  set('interval', values.interval);
  set('scrape_interval', values['scrape-interval']);
  set('prometheus', values.prometheus);
  set('grafana_out', values['grafana-out']);
  set('rules_out', values['rules-out']);
  set('now', values.now ?? (process.env.DIMS_DEMO_NOW || undefined));
  set('fault_after', values['fault-after']);
  set('fault_duration', values['fault-duration']);
  if (values['no-alerts']) set('alerts', false);
  if (values.influx) set('storage', { kind: 'influxdb', url: values.influx, database: 'dims' });
  try {
    const options = resolveDemoOptions(
      values.config ? readDemoConfig(values.config) : {},
      overrides,
      values.config ?? 'command line',
    );
    if (options.now !== undefined) demoInstant(options.now, values.now !== undefined ? '--now' : 'DIMS_DEMO_NOW');
    return options;
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
}

/** What a user needs once the demo runs: where the console is, the tokens, where the data is. */
function banner(demo: RunningDemo, options: DemoOptions): string {
  const alerting = demo.alerting
    ? `  Alerts        ${demo.consoleUrl}#/alerts (Prometheus ${demo.alerting.prometheusUrl}, Alertmanager ${demo.alerting.alertmanagerUrl})\n`
    : '';
  return `
  Web console   ${demo.consoleUrl}
${alerting}  API           ${demo.url}/api/v1/openapi.json
  Metrics       ${demo.url}/metrics${options.prometheus ? '' : ' (needs a token; --prometheus opens it)'}

  Tokens (paste one into the console; all are in ${demo.dataDir}/tokens.json):
    national monitoring center   ${demo.tokens.nation}
    provincial bureau (${demo.tokens.province.code})      ${demo.tokens.province.token}
    admin                        ${demo.tokens.admin}

  Data          ${demo.dataDir} (registry.yaml, hub.yaml, hub-data.db, hub-state.db, outbox/)
  Reports       ${demo.url}/api/v1/reports/${demo.tokens.province.code}/<YYYY-MM>.xlsx  (or .csv, .json; nation for the national summary)

Press Ctrl-C to stop.
`;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS, false);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const options = demoOptions(values);
  const { startDemo } = await import('../../demo/run.ts');
  const out = reporter();
  const stopped = untilStopped(out);
  const demo = await startDemo(options, out);
  out.log('dims is running.');
  console.log(banner(demo, options));
  await stopped(demo);
  console.log('stopped.');
  // Everything is closed; a keep-alive socket or a timer left in a library must not hold the terminal.
  process.exit(0);
}

/** How long the demo may take to close after Ctrl-C before the process exits regardless. */
const STOP_TIMEOUT_MS = 15_000;

/**
 * Ctrl-C (or SIGTERM) handling from the first instant. Before the demo runs, the process exits at once (its 'exit'
 * handlers kill Prometheus and Alertmanager; the rest runs in this process). Once it runs, the demo closes in
 * order; a second Ctrl-C or a close slower than STOP_TIMEOUT_MS exits at once. Returns a function that resolves
 * when the running demo has closed.
 */
function untilStopped(out: Reporter): (demo: RunningDemo) => Promise<void> {
  let demo: RunningDemo | undefined;
  let stopping = false;
  let resolve: () => void;
  const closed = new Promise<void>((r) => (resolve = r));
  const onSignal = () => {
    if (demo === undefined || stopping) {
      out.log(stopping ? 'stopping at once.' : 'interrupted while starting; stopped.');
      process.exit(130);
    }
    stopping = true;
    const alerting = demo.alerting ? 'Prometheus and Alertmanager, ' : '';
    console.log(`\nstopping: agents, hub, ${alerting}simulator … (Ctrl-C again to stop at once)`);
    const force = setTimeout(() => {
      out.log(`not stopped within ${STOP_TIMEOUT_MS / 1000} s; exiting.`);
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    void demo.close().then(() => {
      clearTimeout(force);
      resolve();
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return (running) => {
    demo = running;
    return closed;
  };
}

/** Progress to stdout: a live line on a terminal, plain timestamped lines in a log. */
function reporter(): Reporter {
  const t0 = performance.now();
  const stamp = () => `[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s]`;
  const tty = process.stdout.isTTY === true;
  let live = false;
  return {
    tty,
    log(line) {
      process.stdout.write(`${live ? '\r\x1b[2K' : ''}${stamp()} ${line}\n`);
      live = false;
    },
    live(line) {
      const width = (process.stdout.columns || 100) - 1;
      process.stdout.write(`\r\x1b[2K${`${stamp()} ${line}`.slice(0, width)}`);
      live = true;
    },
  };
}
