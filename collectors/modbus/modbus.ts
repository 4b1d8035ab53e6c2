/** @module The Modbus TCP TargetCollector: planned reads on one connection, decoded into samples. */
import type { CollectReport, CollectorContext, Sample, TargetCollector } from '../types.ts';
import { resolveTarget } from './config.ts';
import { ModbusConnection } from './connection.ts';
import { mapRequest } from './map.ts';

/**
 * Validates `config` and builds the collector; opens no socket (the connection is made on first collect).
 * @example
 * const c = createModbusCollector({ host: '10.0.1.7', unit_id: 3, profile: 'sdm630' }, ctx);
 * const samples = await c.collect(AbortSignal.timeout(5000));
 */
export function createModbusCollector(
  raw: unknown,
  _context: CollectorContext,
): TargetCollector & { readonly connection: ModbusConnection } {
  const { config, requests } = resolveTarget(raw);
  const connection = new ModbusConnection({
    host: config.host,
    port: config.port ?? 502,
    unitId: config.unit_id ?? 1,
    timeoutMs: config.timeout_ms ?? 1000,
    busyRetries: config.busy_retries ?? 3,
    busyRetryWaitMs: config.busy_retry_wait_ms ?? 100,
  });
  let last = 0;
  return {
    connection,
    async collect(signal: AbortSignal): Promise<Sample[]> {
      const samples: Sample[] = [];
      // Sequential on purpose: one outstanding request per unit is what serial gateways behind TCP handle.
      for (const r of requests) {
        const registers = await connection.read(r.register, r.address, r.count, signal);
        samples.push(...mapRequest(r, registers));
      }
      last = samples.length;
      return samples;
    },
    report(): CollectReport {
      // Profile fields and inline fields are read together; the samples are attributed to the profile.
      const name = config.profile ?? 'fields';
      return { produced: last > 0 ? [{ profile: name, samples: last }] : [], missing: [] };
    },
    async close(): Promise<void> {
      connection.close();
    },
  };
}
