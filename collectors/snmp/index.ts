/** @module The SNMP collector plugin: v2c/v3 agents read through vendor profiles (UPS-MIB, APC rPDU2, ENTITY-SENSOR). */
import type { CollectorPlugin } from '../types.ts';
import configSchema from './config.schema.json' with { type: 'json' };
import { createSnmpCollector } from './snmp.ts';
import type { SnmpTargetConfig } from './types.ts';

/** The plugin the agent registers under protocol `snmp`. */
export const snmpPlugin: CollectorPlugin<SnmpTargetConfig> = {
  protocol: 'snmp',
  configSchema,
  create: (config, context) => createSnmpCollector(config, context),
};

export { createSnmpCollector } from './snmp.ts';
export type { SnmpTargetConfig, ProfileName } from './types.ts';
