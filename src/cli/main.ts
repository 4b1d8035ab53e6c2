/**
 * @module The `dims` command line: dispatches the first word to its command module.
 *
 * Commands are loaded lazily so `dims catalog check` does not pay for the hub's dependencies.
 */
import { CliError } from './errors.ts';
import { otelRequested } from '../shared/otel-env.ts';

interface Command {
  summary: string;
  load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

/** The commands, alphabetical. Each module exports `run(argv)` returning the exit code. */
const COMMANDS: Record<string, Command> = {
  agent: { summary: 'run a center collector agent (--config F)', load: () => import('./commands/agent.ts') },
  bench: {
    summary: 'run benchmarks: engine | agent | ingest | api | hub | reports | freshness | all',
    load: () => import('./commands/bench.ts'),
  },
  catalog: { summary: 'check, list or document the 60-indicator catalog', load: () => import('./commands/catalog.ts') },
  eval: {
    summary: 'evaluate indicators offline: registry + records in, values out',
    load: () => import('./commands/eval.ts'),
  },
  grafana: {
    summary: 'build the Grafana provisioning tree (build --out DIR)',
    load: () => import('./commands/grafana.ts'),
  },
  hub: {
    summary: 'run a provincial or national hub (--config F); manage tokens',
    load: () => import('./commands/hub.ts'),
  },
  probe: {
    summary: 'read one device (or every target of an agent config) once and print its readings',
    load: () => import('./commands/probe.ts'),
  },
  report: {
    summary: 'export a monthly, quarterly or yearly report (xlsx, csv, json)',
    load: () => import('./commands/report.ts'),
  },
  rules: {
    summary: 'build Prometheus alert rules and Alertmanager config (build --out DIR)',
    load: () => import('./commands/rules.ts'),
  },
  simulate: {
    summary: 'serve simulated data-center devices over their real protocols',
    load: () => import('./commands/simulate.ts'),
  },
  start: {
    summary: 'run the national demo: simulator, agents, hub and console in one process',
    load: () => import('./commands/start.ts'),
  },
};

/** Commands that run services and so may export OpenTelemetry traces and metrics. */
const SERVICES = new Set(['agent', 'hub', 'start', 'simulate']);

function usage(): string {
  const lines = ['Usage: dims <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run `dims <command> --help` for the options of a command.');
  return lines.join('\n');
}

/** Runs the CLI with the given arguments and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`dims: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  // Long-running commands send traces and metrics wherever the OTEL_* environment says; without it the SDK
  // is not even loaded (it is most of an agent's code).
  const otel =
    SERVICES.has(name) && otelRequested()
      ? (await import('../shared/otel.ts')).startOpenTelemetry(`dims-${name}`)
      : undefined;
  try {
    const mod = await command.load();
    return await mod.run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      console.error(`dims ${name}: ${err.message}`);
      return err.exitCode;
    }
    throw err;
  } finally {
    await otel?.shutdown();
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
