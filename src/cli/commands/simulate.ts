/** @module `dims simulate`: serves a simulated national fleet on 127.0.0.1 over the real device protocols until stopped. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { parseOptions } from '../args.ts';
import { CliError } from '../errors.ts';
import { SimClock } from '../../simulate/clock.ts';
import { loadFaultConfig, type FaultConfig } from '../../simulate/faults.ts';
import { generateFleet, localMidnightMs, type FleetOptions } from '../../simulate/fleet.ts';
import { serveFleet } from '../../simulate/serve.ts';
import { BMC_PASSWORD_ENV } from '../../simulate/agent-config.ts';
import { compileSchema, formatProblem } from '../../shared/json-schema.ts';

const HELP = `Usage: dims simulate [options]

Serves every device of a simulated fleet on 127.0.0.1 over the real protocols (Redfish, SNMP, Modbus TCP,
Prometheus exporters, every BMC also as an ipmi_exporter, and with --cooling bacnet BACnet/IP) until
SIGINT/SIGTERM. Deterministic: the same seed and start give the same readings.

Options:
  --centers N            number of centers (default 31: one per province)
  --seed S               integer seed (default 1)
  --scale K              multiply rack-level devices (servers, PDUs, CRAHs, exporters) by K (default 1)
  --fleet F              fleet file (YAML/JSON): { centers, seed, scale?, asOf?, origin? } (options override it)
  --start T              simulated start, ISO 8601 (default: now)
  --origin D             counters count from this date, YYYY-MM-DD (default: the day before --start)
  --accelerate X         simulated seconds per real second (e.g. 288: a day in 5 minutes; default 1)
  --faults F             fault config (YAML/JSON): protocol faults and counter resets / meter replacements
  --registry-out F       write the fleet's center registry (YAML or JSON by extension)
  --agent-configs DIR    write one agent config per center (<center>.yaml)
  --agent-interval D     record interval in the agent configs (default 5m)
  --agent-scrape D       scrape interval in the agent configs (default 1m)
  --cooling P            modbus (default) or bacnet: also serve chillers and CRAHs over BACnet/IP (a UDP
                         port each) and read them that way in the agent configs
  --ground-truth F       append each center's true values per interval (JSON Lines)
  --interval D           ground-truth interval: 60s, 5m, 1h (default 5m)
  --port-redfish P, --port-snmp P, --port-modbus P, --port-prometheus P
                         fixed ports (default: free ports)
  -h, --help             this help

BMCs accept user admin with password dims-sim; the agent configs read it from env:${BMC_PASSWORD_ENV}.`;

const FLEET_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['centers', 'seed'],
  properties: {
    centers: { type: 'integer', minimum: 1, maximum: 100000 },
    seed: { type: 'integer' },
    scale: { type: 'integer', minimum: 1, maximum: 10000 },
    asOf: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    origin: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
  },
} as const;

function durationMs(text: string, name: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!m) throw new CliError(`option --${name}: not a duration like 60s, 5m or 1h (got ${JSON.stringify(text)})`, 2);
  const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  if (!(ms >= 1000)) throw new CliError(`option --${name}: must be at least 1s (got ${JSON.stringify(text)})`, 2);
  return ms;
}

function intOption(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`option --${name}: must be an integer ≥ ${min} (got ${JSON.stringify(value)})`, 2);
  return n;
}

function writeData(file: string, data: unknown): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, /\.json$/i.test(file) ? `${JSON.stringify(data, null, 2)}\n` : stringifyYaml(data));
}

function loadFleetFile(file: string): FleetOptions {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`--fleet ${file}: cannot read: ${(err as Error).message.split('\n')[0]}`);
  }
  const problems = compileSchema<FleetOptions>(FLEET_SCHEMA).problems(data);
  if (problems.length > 0) throw new CliError(problems.map((p) => formatProblem(p, file)).join('\n'));
  return data as FleetOptions;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      centers: { type: 'string' },
      seed: { type: 'string' },
      scale: { type: 'string' },
      fleet: { type: 'string' },
      start: { type: 'string' },
      origin: { type: 'string' },
      accelerate: { type: 'string' },
      faults: { type: 'string' },
      'registry-out': { type: 'string' },
      'agent-configs': { type: 'string' },
      'agent-interval': { type: 'string' },
      'agent-scrape': { type: 'string' },
      cooling: { type: 'string' },
      'ground-truth': { type: 'string' },
      interval: { type: 'string' },
      'port-redfish': { type: 'string' },
      'port-snmp': { type: 'string' },
      'port-modbus': { type: 'string' },
      'port-prometheus': { type: 'string' },
    },
    false,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }

  const base: Partial<FleetOptions> = values.fleet ? loadFleetFile(values.fleet) : {};
  const startMs = values.start !== undefined ? Date.parse(values.start) : Date.now();
  if (Number.isNaN(startMs))
    throw new CliError(`option --start: not an ISO 8601 time (got ${JSON.stringify(values.start)})`, 2);
  const factor = values.accelerate !== undefined ? Number(values.accelerate) : 1;
  if (!(factor > 0) || !Number.isFinite(factor))
    throw new CliError(`option --accelerate: must be a positive number (got ${JSON.stringify(values.accelerate)})`, 2);
  // Counters count from the day before the start unless told: cheap to start, and still deterministic for a given start.
  const dayBefore = new Date(startMs + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
  const origin = values.origin ?? base.origin ?? dayBefore;
  try {
    localMidnightMs(origin);
  } catch {
    throw new CliError(`option --origin: not a YYYY-MM-DD date (got ${JSON.stringify(origin)})`, 2);
  }
  const options: FleetOptions = {
    centers: intOption(values.centers, 'centers', 1) ?? base.centers ?? 31,
    seed: intOption(values.seed, 'seed', -2147483648) ?? base.seed ?? 1,
    scale: intOption(values.scale, 'scale', 1) ?? base.scale ?? 1,
    asOf: base.asOf,
    origin,
  };
  let fleet;
  try {
    fleet = generateFleet(options);
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
  let faults: FaultConfig | undefined;
  if (values.faults) {
    try {
      faults = loadFaultConfig(values.faults);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
  }
  const cooling = values.cooling ?? 'modbus';
  if (cooling !== 'modbus' && cooling !== 'bacnet')
    throw new CliError(`option --cooling: must be modbus or bacnet (got ${JSON.stringify(values.cooling)})`, 2);
  const intervalMs = values.interval ? durationMs(values.interval, 'interval') : 300_000;
  const clock = new SimClock({ startMs, factor });
  let sim;
  try {
    sim = await serveFleet({
      fleet,
      clock,
      faults,
      ports: {
        redfish: intOption(values['port-redfish'], 'port-redfish', 1),
        snmp: intOption(values['port-snmp'], 'port-snmp', 1),
        modbus: intOption(values['port-modbus'], 'port-modbus', 1),
        prometheus: intOption(values['port-prometheus'], 'port-prometheus', 1),
      },
      groundTruth: values['ground-truth'] ? { file: values['ground-truth'], intervalMs } : undefined,
      bacnet: cooling === 'bacnet',
    });
  } catch (err) {
    throw new CliError((err as Error).message);
  }

  if (values['registry-out']) writeData(values['registry-out'], fleet.registry);
  if (values['agent-configs']) {
    const dir = values['agent-configs'];
    mkdirSync(dir, { recursive: true });
    for (const plan of fleet.plans) {
      writeData(
        path.join(dir, `${plan.center}.yaml`),
        sim.agentConfig(plan.center, {
          interval: values['agent-interval'],
          scrapeInterval: values['agent-scrape'],
          cooling,
        }),
      );
    }
  }

  const devices = fleet.plans.reduce((n, p) => n + Object.values(p.counts).reduce((a, b) => a + b, 0), 0);
  console.log(
    `dims simulate: ${fleet.plans.length} centers, ${devices} devices, seed ${options.seed}, start ${new Date(startMs).toISOString()}, ×${factor}`,
  );
  console.log(
    `  redfish     http://127.0.0.1:${sim.redfish.port}/bmc/<device>/redfish/v1/  (user ${sim.credentials.username}, ` +
      `password ${sim.credentials.password})`,
  );
  console.log(`  snmp        udp 127.0.0.1:${sim.snmp.port}  (v2c, community = device id)`);
  console.log(
    `  modbus      tcp 127.0.0.1:${sim.modbus.map((m) => m.port).join(', ')}  (unit id per device: see agent configs)`,
  );
  console.log(`  prometheus  http://127.0.0.1:${sim.prometheus.port}/exporter/<device>/metrics`);
  console.log(`  ipmi        http://127.0.0.1:${sim.prometheus.port}/exporter/<server>-ipmi/metrics  (ipmi_exporter)`);
  if (sim.bacnet.size > 0)
    console.log(
      `  bacnet      udp 127.0.0.1, ${sim.bacnet.size} chillers and CRAHs on a port each  (see agent configs)`,
    );
  if (values['registry-out']) console.log(`  registry    ${values['registry-out']}`);
  if (values['agent-configs'])
    console.log(
      `  agent configs in ${values['agent-configs']} (export ${BMC_PASSWORD_ENV}=${sim.credentials.password})`,
    );
  if (values['ground-truth'])
    console.log(`  ground truth → ${values['ground-truth']} every ${intervalMs / 1000}s of simulated time`);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sim.close();
  console.log('dims simulate: stopped');
  return 0;
}
