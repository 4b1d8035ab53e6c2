/** @module The redfish target collector: service-root discovery, then server, inventory and PDU readings in one deadline. */
import { readFileSync } from 'node:fs';
import { CollectError } from '../types.ts';
import type { CollectReport, CollectorContext, Sample, TargetCollector } from '../types.ts';
import { missingReadings } from './expect.ts';
import { RedfishClient } from './client.ts';
import { link } from './extract.ts';
import { inventorySignals, type InventoryRead } from './inventory.ts';
import { pduSignals } from './pdu.ts';
import { detectProfileWithReason } from './profile.ts';
import type { Profile } from './profile.ts';
import { serverSignals } from './server-signals.ts';
import { Walk } from './walk.ts';

/** One target's options, as `config.schema.json` describes them. */
export interface RedfishConfig {
  url: string;
  auth?: 'basic' | 'session' | 'none';
  username?: string;
  password?: string;
  /** A profile name (the config schema's enum), or auto. */
  profile?: string;
  include?: Array<'power' | 'thermal' | 'inventory' | 'pdu'>;
  max_concurrency?: number;
  insecure_skip_verify?: boolean;
  ca_file?: string;
  max_body_bytes?: number;
}

/** close() gets its own short deadline: it has no caller signal and must not hang shutdown. */
const CLOSE_TIMEOUT_MS = 5000;

/**
 * How long an inventory read (Systems, Processors, PCIe devices: half of a GPU server's GETs) is reused.
 * Hardware changes when someone installs it, not between scrapes; rereading it every minute made most of the
 * agent's Redfish requests and the garbage they leave. A target whose profile changes is reread at once.
 */
export const INVENTORY_REFRESH_MS = 15 * 60_000;

/** Builds the collector for a validated config and loaded profiles; no I/O until the first collect. */
export function createRedfishCollector(
  config: RedfishConfig,
  profiles: Profile[],
  ctx: CollectorContext,
): TargetCollector {
  const include = new Set(config.include ?? ['power', 'thermal', 'inventory', 'pdu']);
  let ca: Buffer | undefined;
  if (config.ca_file !== undefined) {
    try {
      ca = readFileSync(config.ca_file);
    } catch (err) {
      throw new CollectError('config', `redfish target: ca_file ${config.ca_file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  const client = new RedfishClient({
    baseUrl: config.url,
    auth: config.auth ?? 'basic',
    credentials: () => ({
      username: config.username ?? '',
      password: config.password === undefined ? '' : ctx.secret(config.password),
    }),
    insecureSkipVerify: config.insecure_skip_verify === true,
    ca,
    maxConcurrency: config.max_concurrency ?? 2,
    maxBodyBytes: config.max_body_bytes ?? 4 * 1024 * 1024,
  });

  let last: CollectReport | undefined;
  let lastProblems = '';
  let inventoryRead: { read: InventoryRead; profile: string; at: number } | undefined;
  return {
    async collect(signal: AbortSignal): Promise<Sample[]> {
      // The service root is readable without credentials (DSP0266) and names the vendor and session URI.
      const root = await client.get(client.serviceRoot, signal, false);
      client.setSessionsLink(link(root, 'Links.Sessions'));
      const auto = config.profile === undefined || config.profile === 'auto';
      const picked = auto ? detectProfileWithReason(profiles, root) : undefined;
      const profile = picked?.profile ?? profiles.find((p) => p.name === config.profile)!;
      const walk = new Walk(client, signal, profile);
      const wantServer = include.has('power') || include.has('thermal');
      // Server expectations apply to a service with computer systems, not to a PDU's own Redfish service.
      const isServer = link(root, 'Systems') !== undefined;
      const chassis = wantServer || include.has('inventory') ? await walk.chassis(root) : [];
      const serverChassis = walk.serverChassis(chassis);
      const reuse =
        inventoryRead !== undefined &&
        inventoryRead.profile === profile.name &&
        Date.now() - inventoryRead.at < INVENTORY_REFRESH_MS;
      const [server, inventory, pdu] = await Promise.all([
        wantServer ? serverSignals(walk, serverChassis) : undefined,
        !include.has('inventory') ? undefined : reuse ? inventoryRead!.read : inventorySignals(walk, root, chassis),
        include.has('pdu') ? pduSignals(walk, root) : undefined,
      ]);
      // Only a complete pass is reused: after a failed resource the next collection tries again.
      if (inventory !== undefined && !reuse && inventory.samples.length > 0 && walk.problems.length === 0)
        inventoryRead = { read: inventory, profile: profile.name, at: Date.now() };
      const samples = [
        ...(server?.samples.filter((x) => wanted(x, include)) ?? []),
        ...(inventory?.samples ?? []),
        ...(pdu?.samples ?? []),
      ];
      // Logged when they change, not every scrape: a Dell's extra chassis answers 404 every time.
      const problems = walk.problems.map((p) => p.message).join('\n');
      if (problems !== lastProblems)
        for (const p of walk.problems) ctx.log('warn', `redfish ${client.serviceRoot}: skipped ${p.message}`);
      lastProblems = problems;
      if (samples.length === 0) {
        throw (
          walk.problems[0] ??
          new CollectError(
            'protocol',
            `${client.serviceRoot}: no power, thermal, inventory or PDU data found (profile ${profile.name})`,
          )
        );
      }
      const missing = missingReadings(
        walk,
        serverChassis,
        { server: isServer ? server : undefined, inventory: isServer ? inventory : undefined, pdu },
        { power: include.has('power'), thermal: include.has('thermal') },
      );
      last = { produced: [{ profile: profile.name, samples: samples.length }], missing };
      if (picked !== undefined) last.detected = `${picked.reason} → ${profile.name}`;
      return samples;
    },
    report(): CollectReport {
      return last ?? { produced: [], missing: [] };
    },
    async close(): Promise<void> {
      try {
        await client.close(AbortSignal.timeout(CLOSE_TIMEOUT_MS));
      } catch (err) {
        ctx.log('warn', `redfish ${client.serviceRoot}: session delete failed: ${(err as Error).message}`);
      }
    },
  };
}

/** Keeps a server sample when its group (power or thermal) is included. */
function wanted(s: Sample, include: Set<string>): boolean {
  return s.signal === 'temperature_celsius' || s.signal === 'fan_percent'
    ? include.has('thermal')
    : include.has('power');
}
