/**
 * @module `dims probe`: read one target (or every target of an agent config) once and print every reading
 * with its unit, the profile that produced it, and any reading the profile expected and did not get.
 */
import { parse as parseYaml } from 'yaml';
import { parseOptions } from '../args.ts';
import { CliError } from '../errors.ts';
import type { PluginMap } from '../../agent/config/plugins.ts';
import type { ProbeTarget } from '../../agent/probe/probe.ts';
import { loadAgentConfigForCli } from '../agent-config.ts';

const HELP = `Usage: dims probe <protocol> --target '<options>' [--timeout 10s] [--json]
       dims probe --config agent.yaml [--target ID] [--json]

Reads a device once and prints what the agent would read from it: each reading with its unit and
labels, the profile that produced it (and, with profile auto, why that profile was picked), and
the readings the profile expects that the device did not give (a partial read). Nothing is stored
or sent. \`dims agent --config F --once\` does the same for every target of an agent config.

  <protocol>            redfish | snmp | modbus | prometheus | bacnet
  --target OPTIONS      the protocol's options as YAML or JSON (what an agent target's config holds),
                        e.g. '{url: "https://10.0.8.21", username: dims, password: "env:BMC_PW"}'
  --config FILE         an agent configuration; every target is read, or only --target ID
  --timeout D           deadline per target (default 10s; 250ms, 10s, 1m)
  --json                print the results as JSON
  -h, --help            show this help

Secrets are references (env:NAME or file:/path) and are never printed.
Exit status: 0 every target read completely, 3 a target read partially, 1 a target failed.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    target: { type: 'string' },
    config: { type: 'string' },
    timeout: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const { durationMs } = await import('../../agent/config/durations.ts');
  let timeoutMs = 10_000;
  if (values.timeout !== undefined) {
    try {
      timeoutMs = durationMs(/^[0-9.]+$/.test(values.timeout) ? Number(values.timeout) : values.timeout);
    } catch {
      throw new CliError(
        `--timeout must be a duration like 250ms, 10s or 1m (got ${JSON.stringify(values.timeout)})`,
        2,
      );
    }
  }
  const plan =
    values.config !== undefined
      ? await fromAgentConfig(values.config, values.target)
      : await fromOptions(positionals[0], values.target, timeoutMs);
  if (values.config !== undefined && values.timeout !== undefined)
    for (const t of plan.targets) t.timeoutMs = timeoutMs;
  const { probeTargets } = await import('../../agent/probe/probe.ts');
  const results = await probeTargets(plan.targets, plan.plugins, plan.baseDir, (level, m) => {
    if (level === 'warn' || level === 'error') console.error(`${level}: ${m}`);
  });
  if (values.json) console.log(JSON.stringify(results, null, 2));
  else {
    const { formatProbe } = await import('../../agent/probe/format.ts');
    console.log(formatProbe(results));
  }
  if (results.some((r) => !r.ok)) return 1;
  return results.some((r) => (r.report?.missing.length ?? 0) > 0) ? 3 : 0;
}

/** The targets to read, their plugins, and where relative secret files resolve from. */
interface Plan {
  targets: ProbeTarget[];
  plugins: PluginMap;
  baseDir: string;
}

/** One target from a protocol name and its options on the command line. */
async function fromOptions(protocol: string | undefined, text: string | undefined, timeoutMs: number): Promise<Plan> {
  if (protocol === undefined) throw new CliError(`a protocol is required\n\n${HELP}`, 2);
  if (text === undefined) throw new CliError('--target is required: the protocol options as YAML or JSON', 2);
  let config: unknown;
  try {
    config = parseYaml(text);
  } catch (err) {
    throw new CliError(`--target is not YAML or JSON: ${(err as Error).message.split('\n')[0]}`, 2);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw new CliError(`--target must be a mapping of the ${protocol} options (got ${JSON.stringify(config)})`, 2);
  const { loadPlugins } = await import('../../agent/config/plugins.ts');
  const { plugins, unavailable } = await loadPlugins([protocol]);
  const why = unavailable.get(protocol);
  if (why !== undefined) throw new CliError(`protocol ${JSON.stringify(protocol)}: ${why}`, 2);
  const c = config as Record<string, unknown>;
  const id = String(c['url'] ?? c['host'] ?? protocol);
  return { targets: [{ id, protocol, config, timeoutMs }], plugins, baseDir: process.cwd() };
}

/** Every target of an agent config, or the one named. */
async function fromAgentConfig(file: string, only: string | undefined): Promise<Plan> {
  const { config, plugins } = await loadAgentConfigForCli(file);
  const targets = config.targets
    .filter((t) => only === undefined || t.id === only)
    .map((t) => ({ id: t.id, protocol: t.protocol, config: t.config, timeoutMs: t.timeoutMs }));
  if (targets.length === 0) throw new CliError(`${file}: no target ${JSON.stringify(only)}`, 2);
  return { targets, plugins, baseDir: config.baseDir };
}

/** `dims agent --config F --once`: every target of the config, read once and printed. */
export async function runOnce(file: string): Promise<number> {
  return run(['--config', file]);
}
