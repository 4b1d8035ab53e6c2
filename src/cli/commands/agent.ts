/**
 * @module `dims agent --config F`: run one center's collector agent until SIGINT/SIGTERM.
 * The config is validated completely before anything starts; `--check` stops there.
 */
import { parseOptions, required } from '../args.ts';
import { CliError } from '../errors.ts';
import { loadAgentConfigForCli } from '../agent-config.ts';

const HELP = `Usage: dims agent --config FILE [options]

Runs a center's collector agent: reads the configured targets (Redfish BMCs, SNMP PDUs/UPSs,
Modbus meters and chillers, Prometheus exporters) every scrape interval, turns the readings into
one center record per interval, keeps records in a durable outbox and pushes them to the hub.

Options:
  --config FILE         agent configuration (YAML); see src/agent/sample.yaml
  --check               validate the configuration (schema, targets, secrets) and exit
  --once                read every target once, print the readings (as dims probe) and exit
  --time-factor N       run the clock N times faster (simulations and demos only)
  -h, --help            show this help

Secrets in the config are references (env:NAME or file:/path); they are never printed.
Self-metrics: /metrics on 127.0.0.1:<metrics.port> when configured.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      config: { type: 'string' },
      check: { type: 'boolean' },
      once: { type: 'boolean' },
      'time-factor': { type: 'string' },
    },
    false,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const file = required(values.config, 'config');
  if (values.once) {
    const { runOnce } = await import('./probe.ts');
    return runOnce(file);
  }
  let timeFactor: number | undefined;
  if (values['time-factor'] !== undefined) {
    timeFactor = Number(values['time-factor']);
    if (!(timeFactor > 0))
      throw new CliError(`--time-factor must be a positive number (got ${JSON.stringify(values['time-factor'])})`, 2);
  }
  const { config, plugins } = await loadAgentConfigForCli(file);
  if (values.check) {
    console.log(
      `${file}: ok (center ${config.center}, ${config.targets.length} targets, ${config.sinks.length} sinks)`,
    );
    return 0;
  }
  // V8 limits sized from the target count (src/agent/README.md, "Memory"): the process restarts itself once under them.
  const { relaunchWithHeapLimits } = await import('../../agent/runtime/heap.ts');
  relaunchWithHeapLimits(config.targets.length);
  const { runAgentInProcess } = await import('../../agent/runtime/agent.ts');
  const { ChipTableError } = await import('../../agent/chips/classify.ts');
  let agent;
  try {
    agent = await runAgentInProcess(config, {
      plugins,
      watchHeap: true,
      ...(timeFactor !== undefined ? { timeFactor } : {}),
    });
  } catch (err) {
    if (err instanceof ChipTableError) throw new CliError(`invalid chip table:\n${err.message}`, 2);
    throw err;
  }
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await agent.stop();
  return 0;
}
