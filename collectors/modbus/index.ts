/** @module The Modbus TCP collector plugin: meters, chillers and CRAHs read through register profiles. */
import type { CollectorPlugin } from '../types.ts';
import { configSchema } from './config.ts';
import { createModbusCollector } from './modbus.ts';
import type { ModbusTargetConfig } from './types.ts';

/** The plugin the agent registers under protocol `modbus`. */
export const modbusPlugin: CollectorPlugin<ModbusTargetConfig> = {
  protocol: 'modbus',
  configSchema,
  create: (config, context) => createModbusCollector(config, context),
};

export { createModbusCollector } from './modbus.ts';
export { decodeRegisters, encodeRegisters } from './decode.ts';
export type { ByteOrder, RegisterType } from './decode.ts';
export type { FieldSpec, ModbusProfileName, ModbusTargetConfig } from './types.ts';
