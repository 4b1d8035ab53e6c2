/** @module Finds the collector plugin of each protocol a config uses (collectors/<protocol>/index.ts), loaded lazily. */
import type { CollectorPlugin } from '../../../collectors/types.ts';

export type PluginMap = Record<string, CollectorPlugin>;

/** Every protocol a bundled collector reads. */
export const COLLECTOR_PROTOCOLS = ['prometheus', 'redfish', 'snmp', 'modbus', 'bacnet'] as const;

/**
 * Loads the plugins for `protocols`. Injected plugins (tests, the demo) win over the bundled ones.
 * Returns the map and, for protocols that could not be loaded, why.
 */
export async function loadPlugins(
  protocols: Iterable<string>,
  injected: PluginMap = {},
): Promise<{ plugins: PluginMap; unavailable: Map<string, string> }> {
  const plugins: PluginMap = {};
  const unavailable = new Map<string, string>();
  for (const p of new Set(protocols)) {
    if (injected[p]) {
      plugins[p] = injected[p];
      continue;
    }
    if (!(COLLECTOR_PROTOCOLS as readonly string[]).includes(p)) {
      unavailable.set(p, `unknown protocol; one of ${COLLECTOR_PROTOCOLS.join(', ')}`);
      continue;
    }
    try {
      const mod = (await import(`../../../collectors/${p}/index.ts`)) as Record<string, unknown>;
      const plugin = (mod.default ?? mod[`${p}Plugin`]) as CollectorPlugin | undefined;
      if (!plugin || typeof plugin.create !== 'function') throw new Error('the module exports no CollectorPlugin');
      plugins[p] = plugin;
    } catch (err) {
      unavailable.set(p, `collector not available (${(err as Error).message.split('\n')[0]})`);
    }
  }
  return { plugins, unavailable };
}
