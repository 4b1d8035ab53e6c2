/** @module The prometheus collector plugin: config validation and the factory the agent registers. */
import { CollectError } from '../types.ts';
import type { CollectorContext, CollectorPlugin, TargetCollector } from '../types.ts';
import configSchema from './config.schema.json' with { type: 'json' };
import { createPrometheusCollector } from './prometheus.ts';
import type { PrometheusConfig } from './prometheus.ts';
import { bundledProfileNames, loadBundledProfiles } from './profile.ts';
import { compileSchema } from '../validate.ts';

export type { PrometheusConfig } from './prometheus.ts';
export { ACCEPT } from './prometheus.ts';
export { parseExposition, formatFromContentType, ExpositionError } from './parse.ts';
export type { Exposition, MetricFamily, ParsedSample, ExpositionFormat, MetricType } from './parse.ts';

const validateConfig = compileSchema(configSchema);

/**
 * The prometheus collector plugin.
 * @example
 * const c = prometheusPlugin.create({ url: 'http://10.0.0.5:9100/metrics', profiles: ['node_exporter'] }, ctx);
 * const samples = await c.collect(AbortSignal.timeout(10_000));
 */
export const prometheusPlugin: CollectorPlugin<PrometheusConfig> = {
  protocol: 'prometheus',
  configSchema,
  create(config: PrometheusConfig, context: CollectorContext): TargetCollector {
    const problems = validateConfig(config);
    if (problems.length > 0) throw new CollectError('config', `prometheus target: ${problems.join('; ')}`);
    if (config.basic_auth !== undefined && config.bearer_token !== undefined) {
      throw new CollectError('config', 'prometheus target: basic_auth and bearer_token are exclusive; set one');
    }
    let profiles;
    try {
      const names =
        config.profiles === undefined || config.profiles === 'auto' ? bundledProfileNames() : config.profiles;
      profiles = loadBundledProfiles(names);
    } catch (err) {
      throw new CollectError('config', `prometheus target: ${(err as Error).message}`, { cause: err });
    }
    return createPrometheusCollector(config, profiles, context);
  },
};

export default prometheusPlugin;
