/** @module The agent configuration after validation: durations in ms, regexes compiled, defaults applied. */

export type RoleName =
  | 'facility'
  | 'it'
  | 'cooling'
  | 'green'
  | 'heat_reuse'
  | 'water'
  | 'loss_input'
  | 'loss_output'
  | 'inlet'
  | 'rack'
  | 'inventory'
  | 'compute'
  | 'traffic'
  | 'latency_city'
  | 'latency_region'
  | 'latency_hub';

/** Which of a target's samples play a role. */
export interface RoleBinding {
  role: RoleName;
  device?: RegExp;
  labels?: Record<string, RegExp>;
  integratePower: boolean;
}

export interface TargetConfig {
  id: string;
  protocol: string;
  roles: RoleBinding[];
  timeoutMs: number;
  maxPowerKw?: number;
  rack?: string;
  rackPerDevice: boolean;
  /** The protocol's own options, as written. */
  config: unknown;
}

export type SinkConfig =
  | {
      type: 'hub';
      name: string;
      url: string;
      token: string;
      gzip: boolean;
      batch: number;
      timeoutMs: number;
      caFile?: string;
      certFile?: string;
      keyFile?: string;
      insecureSkipVerify: boolean;
    }
  | { type: 'jsonl'; name: string; path: string }
  | { type: 'stdout'; name: string };

export interface AgentConfig {
  /** The file it came from, when it came from one. */
  file?: string;
  baseDir: string;
  center: string;
  centerType: 'general' | 'intelligent' | 'supercomputing';
  /** The center is simulated as a 1:N model of itself: extensive readings are multiplied by N (1 for a real center). */
  modelScale: number;
  intervalMs: number;
  scrapeIntervalMs: number;
  spread: number;
  backoffMaxMs: number;
  concurrency: number;
  perProtocol: Record<string, number>;
  rackInUseWatts: number;
  accelIdleUtilization: number;
  schedNamespaces?: RegExp;
  extraChips: string[];
  outbox: { path: string; maxRecords: number; maxBackfill: number; maxMemoryRecords: number };
  sinks: SinkConfig[];
  metricsPort?: number;
  tracing?: { endpoint: string; serviceName: string };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  targets: TargetConfig[];
}
