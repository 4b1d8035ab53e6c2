/**
 * @module The contract between the agent and its protocol collectors: samples, errors, the plugin shape.
 *
 * A collector reads one target (a BMC, a PDU, a meter, an exporter) and returns normalized samples.
 * It never decides what a reading means for the center (facility vs IT energy): the agent's config
 * does that, from the target's role. Collectors only turn vendor-specific data into these signals.
 */

/**
 * What a sample measures. Units are fixed per signal so no caller ever guesses.
 * Counters are cumulative readings (the agent takes deltas and handles resets).
 */
export type Signal =
  /** Active power now, W (gauge). */
  | 'power_watts'
  /** Cumulative active energy, kWh (counter). */
  | 'energy_kwh'
  /**
   * Temperature, °C (gauge); labels.location = inlet | exhaust | supply | return | ambient | internal |
   * chilled_water_supply | chilled_water_return.
   */
  | 'temperature_celsius'
  /** Relative humidity, % (gauge). */
  | 'humidity_percent'
  /** Cumulative water volume, m³ (counter). */
  | 'water_m3'
  /** Cumulative CPU time, core-seconds (counter); labels.mode = busy | total. */
  | 'cpu_seconds'
  /** Accelerator utilization 0..1 (gauge), one sample per device; labels.vendor, labels.model, labels.allocated = '1' when a workload holds it. */
  | 'accel_utilization'
  /** Accelerator power, W (gauge), one sample per device. */
  | 'accel_power_watts'
  /** Cumulative accelerator energy, J (counter), one sample per device. */
  | 'accel_energy_joules'
  /**
   * Installed hardware: value = count; labels.kind = cpu | accelerator | server, labels.vendor, labels.model, optional
   * labels.pci_vendor_id, labels.cpu_implementer.
   */
  | 'inventory'
  /** Fan speed, % of maximum (gauge). */
  | 'fan_percent'
  /** Device health / state code as the device reports it (gauge); labels.state names it. */
  | 'status'
  /** Cumulative bytes through a network interface (counter); device = interface name, labels.direction = in | out. */
  | 'octets'
  /**
   * Cumulative latency probes (counter) answered within labels.le seconds ('+Inf': every probe sent), one
   * series per probed host (device) and bound: a Prometheus histogram's buckets.
   */
  | 'rtt_probes';

/** The unit of each signal, as printed by `dims probe` (the signal's doc comment above says the same). */
export const SIGNAL_UNITS: Readonly<Record<Signal, string>> = {
  power_watts: 'W',
  energy_kwh: 'kWh',
  temperature_celsius: '°C',
  humidity_percent: '%',
  water_m3: 'm³',
  cpu_seconds: 'core-s',
  accel_utilization: 'ratio',
  accel_power_watts: 'W',
  accel_energy_joules: 'J',
  inventory: 'count',
  fan_percent: '%',
  status: 'code',
  octets: 'bytes',
  rtt_probes: 'probes',
};

/** One normalized reading from one target. */
export interface Sample {
  signal: Signal;
  value: number;
  /** Sub-device within the target (PSU 1, outlet 3, GPU 0, phase L2); empty for the whole target. */
  device?: string;
  labels?: Record<string, string>;
  /** When the device measured it (ms since epoch), when it said so; otherwise the scrape time applies. */
  timestampMs?: number;
}

/** Why a collection failed, as a bounded set (used as a metric label, so never free text). */
export type ErrorKind =
  'timeout' | 'connection' | 'http_status' | 'content_type' | 'parse' | 'protocol' | 'auth' | 'config';

/** A failed collection: the kind for metrics, the message (naming the URL/OID/register) for logs. */
export class CollectError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = 'CollectError';
  }
}

/** Services the agent hands to every collector instance. */
export interface CollectorContext {
  /** Resolves a secret reference (`env:NAME` or `file:/path`) to its value; never log the result. */
  secret(ref: string): string;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
}

/** A reading the target's profile expects that a collection could not get. */
export interface MissingReading {
  /** What is missing, in the profile's words (e.g. power_watts, inlet_celsius, processors). */
  reading: string;
  /** Where it was looked for and why it is not there, naming the URL / OID / register that failed. */
  detail: string;
}

/** What the last successful collection used and lacked: the profile(s) applied, and readings it could not get. */
export interface CollectReport {
  /** Profiles that produced the samples, in sample order with how many each produced (auto-detected ones included). */
  produced: Array<{ profile: string; samples: number }>;
  /** Empty when the read was complete; otherwise the read was partial (still a success). */
  missing: MissingReading[];
  /** How `profile: auto` chose, when it did (e.g. `sysObjectID 1.3.6.1.4.1.318.1.3.4.6 matches apc-rpdu2`). */
  detected?: string;
}

/** One target's live collector: created once, used every interval, closed at shutdown. */
export interface TargetCollector {
  /** Reads the target. Must honour `signal` (the per-target deadline) and throw CollectError on failure. */
  collect(signal: AbortSignal): Promise<Sample[]>;
  /** The report of the last successful collect (collections of one target never overlap). */
  report?(): CollectReport;
  /** Releases sockets and sessions (e.g. deletes a Redfish session). */
  close(): Promise<void>;
}

/** A protocol plugin: validates a target's config and creates its collector without any I/O. */
export interface CollectorPlugin<Config = unknown> {
  readonly protocol: 'prometheus' | 'redfish' | 'snmp' | 'modbus' | 'bacnet';
  /** JSON Schema of one target's protocol options (the `config.schema.json` of the folder). */
  readonly configSchema: object;
  /** Validates `config` (throwing a CollectError of kind 'config' that names the field and value) and builds the collector. */
  create(config: Config, context: CollectorContext): TargetCollector;
}
