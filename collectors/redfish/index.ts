/** @module The redfish collector plugin: config validation, profile loading and the factory the agent registers. */
import { CollectError } from '../types.ts';
import type { CollectorContext, CollectorPlugin, TargetCollector } from '../types.ts';
import configSchema from './config.schema.json' with { type: 'json' };
import { loadBundledProfiles } from './profile.ts';
import { createRedfishCollector } from './redfish.ts';
import type { RedfishConfig } from './redfish.ts';
import { compileSchema } from '../validate.ts';

export type { RedfishConfig } from './redfish.ts';

const validateConfig = compileSchema(configSchema);

/**
 * The redfish collector plugin.
 * @example
 * const c = redfishPlugin.create({ url: 'https://10.0.8.21', auth: 'session', username: 'dims', password: 'env:BMC_PW' }, ctx);
 * const samples = await c.collect(AbortSignal.timeout(20_000));
 * await c.close(); // deletes the session
 */
export const redfishPlugin: CollectorPlugin<RedfishConfig> = {
  protocol: 'redfish',
  configSchema,
  create(config: RedfishConfig, context: CollectorContext): TargetCollector {
    const problems = validateConfig(config);
    if (problems.length > 0) throw new CollectError('config', `redfish target: ${problems.join('; ')}`);
    if ((config.auth ?? 'basic') !== 'none' && (config.username === undefined || config.password === undefined)) {
      throw new CollectError('config', `redfish target: auth ${config.auth ?? 'basic'} needs username and password`);
    }
    let profiles;
    try {
      profiles = loadBundledProfiles();
    } catch (err) {
      throw new CollectError('config', `redfish target: ${(err as Error).message}`, { cause: err });
    }
    return createRedfishCollector(config, profiles, context);
  },
};

export default redfishPlugin;
