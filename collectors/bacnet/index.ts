/** @module The BACnet/IP collector plugin: chiller plants, CRAHs and building meters read through point lists. */
import type { CollectorPlugin } from '../types.ts';
import { createBacnetCollector } from './bacnet.ts';
import { configSchema } from './config.ts';
import type { BacnetTargetConfig } from './types.ts';

/** The plugin the agent registers under protocol `bacnet`. */
export const bacnetPlugin: CollectorPlugin<BacnetTargetConfig> = {
  protocol: 'bacnet',
  configSchema,
  create: (config, context) => createBacnetCollector(config, context),
};

export { createBacnetCollector } from './bacnet.ts';
export type { BacnetTargetConfig, PointSpec } from './types.ts';
