/**
 * @module Generates a center's agent config (the format of src/agent/config/config.schema.json) for a running
 * simulation: one target per simulated device, with the roles that tell the agent what each reading means.
 *
 * Roles: the facility / IT / cooling / PV meters carry the energies (one meter each, so nothing is counted
 * twice); chillers carry make-up water; each PDU is a rack; BMCs give inventory and inlet temperatures;
 * exporters give CPU and accelerator usage. UPS input minus output power gives losses; CRAHs are read for status only.
 * The border router's WAN uplinks (not its core links) carry traffic; the prober's hosts are sorted into city,
 * regional and hub latency by name; jobs in the scheduling platform's namespaces count as dispatched compute.
 */
import type { CenterPlan, MeterRole } from './fleet.ts';

/** Where each device of the simulation answers. */
export interface Endpoints {
  redfishUrl(id: string): string;
  snmp(id: string): { host: string; port: number; community: string };
  modbus(id: string): { host: string; port: number; unitId: number };
  prometheusUrl(id: string): string;
  /** A server's BMC read through an ipmi_exporter. */
  ipmiExporterUrl(id: string): string;
  /** A chiller or CRAH as a BACnet/IP device. */
  bacnet(id: string): { host: string; port: number; deviceInstance: number };
}

export interface AgentConfigOptions {
  /** Record interval (agent duration syntax, default 5m). */
  interval?: string;
  /** Scrape interval (default 1m). */
  scrapeInterval?: string;
  /** Per-target deadline (default: agent default). */
  timeout?: string;
  /** Sinks as the agent config takes them (default stdout). */
  sinks?: Array<Record<string, unknown>>;
  /** BMC credentials: user and secret reference (default admin / env:DIMS_SIM_BMC_PASSWORD). */
  bmcUsername?: string;
  bmcPassword?: string;
  /** Outbox file (default: the agent's default next to the config). */
  outboxPath?: string;
  /** How chillers and CRAHs are read: Modbus TCP (default) or BACnet/IP, as through a building-management system. */
  cooling?: 'modbus' | 'bacnet';
}

/** The environment variable the generated configs read the simulated BMC password from. */
export const BMC_PASSWORD_ENV = 'DIMS_SIM_BMC_PASSWORD';

const METER_ROLE: Record<MeterRole, string> = { facility: 'facility', it: 'it', cooling: 'cooling', pv: 'green' };

/** A JSON-serialisable agent config for one center (write it as YAML or JSON). */
export function agentConfigFor(
  plan: CenterPlan,
  at: Endpoints,
  options: AgentConfigOptions = {},
): Record<string, unknown> {
  const redfish = (id: string) => ({
    url: at.redfishUrl(id),
    auth: 'basic',
    username: options.bmcUsername ?? 'admin',
    password: options.bmcPassword ?? `env:${BMC_PASSWORD_ENV}`,
    profile: 'auto',
  });
  const snmp = (id: string, profiles: string[]) => {
    const a = at.snmp(id);
    return { host: a.host, port: a.port, version: '2c', community: a.community, profiles };
  };
  const modbus = (id: string, profile: string) => {
    const a = at.modbus(id);
    return { host: a.host, port: a.port, unit_id: a.unitId, profile };
  };
  const maxKw = (plan.servers.length * 12 + plan.pdus.length) * 2;
  const targets: Array<Record<string, unknown>> = [];
  for (const m of plan.meters) {
    targets.push({
      id: m.id,
      protocol: 'modbus',
      roles: [METER_ROLE[m.role]],
      max_power_kw: maxKw,
      config: modbus(m.id, 'sdm630'),
    });
  }
  const cooling = (id: string, profile: 'chiller' | 'crah') => {
    if (options.cooling !== 'bacnet') return { protocol: 'modbus', config: modbus(id, profile) };
    const b = at.bacnet(id);
    return { protocol: 'bacnet', config: { host: b.host, port: b.port, device_instance: b.deviceInstance, profile } };
  };
  for (const c of plan.chillers) targets.push({ id: c.id, roles: ['water'], ...cooling(c.id, 'chiller') });
  for (const c of plan.crahs) targets.push({ id: c.id, roles: [], ...cooling(c.id, 'crah') });
  // UPS-MIB has no energy counter: losses are the integral of input minus output power (estimated in the record).
  for (const u of plan.ups) {
    targets.push({
      id: u.id,
      protocol: 'snmp',
      roles: [
        { role: 'loss_input', device: '^input', integrate_power: true },
        { role: 'loss_output', device: '^output', integrate_power: true },
      ],
      config: snmp(u.id, ['ups-mib']),
    });
  }
  for (const p of plan.pdus) {
    targets.push(
      p.protocol === 'snmp'
        ? { id: p.id, protocol: 'snmp', roles: ['rack'], rack: p.id, config: snmp(p.id, ['apc-rpdu2']) }
        : {
            id: p.id,
            protocol: 'redfish',
            roles: ['rack'],
            rack: p.id,
            config: { ...redfish(p.id), include: ['pdu'] },
          },
    );
  }
  for (const s of plan.servers)
    targets.push({ id: s.id, protocol: 'redfish', roles: ['inventory', 'inlet'], config: redfish(s.id) });
  for (const e of plan.exporters) {
    const profile = e.kind === 'node' ? 'node_exporter' : e.kind === 'dcgm' ? 'dcgm_exporter' : 'npu_exporter';
    targets.push({
      id: e.id,
      protocol: 'prometheus',
      roles: ['compute'],
      config: { url: at.prometheusUrl(e.id), profiles: [profile] },
    });
  }
  targets.push({
    id: plan.router.id,
    protocol: 'snmp',
    roles: [{ role: 'traffic', device: `^(${plan.router.uplinks.map(escapeRe).join('|')})$` }],
    config: snmp(plan.router.id, ['if-mib']),
  });
  const hostsOf = (c: string) =>
    `^(${plan.prober.targets
      .filter((t) => t.class === c)
      .map((t) => escapeRe(t.host))
      .join('|')})$`;
  targets.push({
    id: plan.prober.id,
    protocol: 'prometheus',
    roles: (['city', 'region', 'hub'] as const).map((c) => ({ role: `latency_${c}`, device: hostsOf(c) })),
    config: { url: at.prometheusUrl(plan.prober.id), profiles: ['smokeping_prober'] },
  });
  return {
    center: plan.center,
    center_type: plan.type,
    // The simulated devices are a 1:N model of the center (registry model_scale).
    ...(plan.modelScale !== 1 ? { model_scale: plan.modelScale } : {}),
    interval: options.interval ?? '5m',
    scrape_interval: options.scrapeInterval ?? '1m',
    ...(options.timeout ? { defaults: { timeout: options.timeout } } : {}),
    ...(options.outboxPath ? { outbox: { path: options.outboxPath } } : {}),
    sinks: options.sinks ?? [{ type: 'stdout' }],
    // The national platform's jobs run in its own namespaces (see devices.ts).
    scheduling: { namespaces: '^sched-' },
    targets,
  };
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
