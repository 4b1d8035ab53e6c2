/**
 * @module Property test: every record the simulation makes — ground truth, and what the agent builds from the simulated prober's exporter text (prober restarts included) — passes the center-record schema and
 * the hub's own record check, over random seeds, dates, windows, intervals and probe targets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultCatalog } from '../catalog/load.ts';
import { indexRegistry } from '../registry/load.ts';
import { parseRecord } from '../records/parse.ts';
import { centerRecordSchema } from '../records/schema.ts';
import { compileSchema } from '../shared/json-schema.ts';
import { parseAgentConfig } from '../agent/config/load.ts';
import { loadChipTable } from '../agent/chips/classify.ts';
import { buildRecord } from '../agent/normalize/record.ts';
import { TargetReadings } from '../agent/normalize/store.ts';
import { parseExposition } from '../../collectors/prometheus/parse.ts';
import { mapExposition } from '../../collectors/prometheus/map.ts';
import { loadBundledProfiles } from '../../collectors/prometheus/profile.ts';
import { smokepingFamilies } from './prometheus/exporters.ts';
import { writeExposition } from '../../collectors/prometheus/write.ts';
import type { SmokepingState, SimDevice } from './device-state.ts';
import { buildCenterDevices } from './devices.ts';
import { agentConfigFor, type Endpoints } from './agent-config.ts';
import { generateFleet, localMidnightMs } from './fleet.ts';
import { truthFor } from './ground-truth.ts';
import { probeCounts, SMOKEPING_BUCKETS_MS, type ProbeTarget } from './network.ts';

const catalog = defaultCatalog();
const schema = compileSchema<unknown>(centerRecordSchema(catalog));
const chips = loadChipTable();
const smokeping = loadBundledProfiles(['smokeping_prober']);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Local dates from 2020 to 2030 (days after 2020-01-01). */
const FIRST_DAY = localMidnightMs('2020-01-01');
const DAYS = 11 * 365;

const endpoints: Endpoints = {
  redfishUrl: (id) => `http://127.0.0.1:1/redfish/${id}`,
  snmp: () => ({ host: '127.0.0.1', port: 1, community: 'c' }),
  modbus: () => ({ host: '127.0.0.1', port: 1, unitId: 1 }),
  prometheusUrl: (id) => `http://127.0.0.1:1/exporter/${id}/metrics`,
  ipmiExporterUrl: (id) => `http://127.0.0.1:1/ipmi/${id}/metrics`,
  bacnet: () => ({ host: '127.0.0.1', port: 1, deviceInstance: 1 }),
};

/** Fails with the record and every problem the schema and the hub's check find in it. */
function assertValid(record: unknown, registry: ReturnType<typeof indexRegistry>, what: string): void {
  const problems = [
    ...schema.problems(record),
    ...parseRecord(record, { catalog, registry, nowMs: Date.parse('2100-01-01T00:00:00Z') }).problems,
  ];
  assert.deepEqual(problems, [], `${what}: ${JSON.stringify(record).slice(0, 600)}`);
}

const isoDay = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 10);

/** A fleet of `index + 1` centers described at a random date, counters from `originDays` before it. */
const fleetArb = fc.record({
  seed: fc.integer({ min: 1, max: 100_000 }),
  index: fc.integer({ min: 0, max: 40 }),
  asOfDay: fc.integer({ min: 400, max: DAYS }),
  originDays: fc.integer({ min: 1, max: 400 }),
});

function centerOf(f: { seed: number; index: number; asOfDay: number; originDays: number }) {
  const asOfMs = FIRST_DAY + f.asOfDay * DAY;
  const fleet = generateFleet({
    centers: f.index + 1,
    seed: f.seed,
    asOf: isoDay(asOfMs),
    origin: isoDay(asOfMs - f.originDays * DAY),
  });
  const plan = fleet.plans[f.index]!;
  return { fleet, plan, registry: indexRegistry(fleet.registry.centers), asOfMs };
}

test('probe counts of any target are integral, and every bucket grows by a non-negative integer between any two instants', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.02, max: 300, noNaN: true }),
      fc.integer({ min: 0, max: 400 * 86_400 }),
      fc.integer({ min: 0, max: 3 * 86_400 }),
      fc.integer({ min: 0, max: 3 * 86_400 }),
      (rttMs, fromS, a, b) => {
        const target: ProbeTarget = { host: 'h', ip: '10.0.0.1', class: 'city', rttMs };
        const early = probeCounts(target, 0, fromS + Math.min(a, b), SMOKEPING_BUCKETS_MS);
        const late = probeCounts(target, 0, fromS + Math.max(a, b), SMOKEPING_BUCKETS_MS);
        const own = (c: typeof early) => [
          ...c.le.map((x, k) => x - (k === 0 ? 0 : c.le[k - 1]!)),
          c.count - c.le.at(-1)!,
        ];
        for (const c of [early, late]) for (const n of own(c)) assert.ok(Number.isInteger(n) && n >= 0, `${n}`);
        const grew = own(late).map((n, k) => n - own(early)[k]!);
        for (const n of grew) assert.ok(Number.isInteger(n) && n >= 0, `bucket grew by ${n}`);
      },
    ),
    { numRuns: 2000 },
  );
});

/** Telemetry intervals the hub accepts: whole seconds that divide an hour (src/records/parse.ts). */
const INTERVALS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * 1000);

test('ground truth is a valid center record for any center, date and interval', () => {
  fc.assert(
    fc.property(fleetArb, fc.integer({ min: 0, max: 2 * DAY }), fc.constantFrom(...INTERVALS), (f, offset, length) => {
      const { plan, registry, asOfMs } = centerOf(f);
      const from = Math.floor((asOfMs - 3 * DAY + offset) / length) * length;
      assertValid(truthFor(buildCenterDevices(plan).physics, from, from + length), registry, 'ground truth');
    }),
    { numRuns: 150 },
  );
});

test('records the agent builds from the simulated prober are valid, across prober restarts, for any interval and timing', async () => {
  await fc.assert(
    fc.asyncProperty(
      fleetArb,
      fc.constantFrom(10_000, MIN, 5 * MIN, 15 * MIN),
      fc.constantFrom(5_000, 10_000, 30_000, MIN),
      fc.integer({ min: 0, max: DAY }),
      fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
      fc.constantFrom<'prometheus' | 'openmetrics'>('prometheus', 'openmetrics'),
      async (f, intervalMs, scrapeMs, offset, restartAt, format) => {
        fc.pre(scrapeMs <= intervalMs);
        const { plan, registry, asOfMs } = centerOf(f);
        const intervals = 3;
        const start = Math.floor((asOfMs - DAY + offset) / intervalMs) * intervalMs;
        const end = start + intervals * intervalMs;
        const restart = restartAt === null ? undefined : Math.round(start + restartAt * (end - start));
        const counterEvents = new Map(
          restart === undefined ? [] : [[plan.prober.id, [{ atMs: restart, kind: 'reset' as const }]]],
        );
        const prober = buildCenterDevices(plan, { counterEvents }).byId.get(
          plan.prober.id,
        ) as SimDevice<SmokepingState>;

        const raw = agentConfigFor(plan, endpoints, {
          interval: `${intervalMs / 1000}s`,
          scrapeInterval: `${scrapeMs / 1000}s`,
        });
        const { config } = await parseAgentConfig({
          ...raw,
          targets: (raw.targets as Array<{ id: string }>).filter((t) => t.id === plan.prober.id),
        });
        const readings = new TargetReadings(config.targets[0]!, { maxGapMs: Math.round(scrapeMs * 2.5) });
        const targets = new Map([[plan.prober.id, readings]]);
        for (let t = start - 2 * scrapeMs + 137; t <= end + scrapeMs; t += scrapeMs) {
          const text = writeExposition(smokepingFamilies(prober.read(t)), format);
          const samples = mapExposition(parseExposition(text, format), smokeping, { honorTimestamps: false });
          for (const s of samples) assert.ok(Number.isInteger(s.value) && s.value >= 0, `exporter bucket ${s.value}`);
          readings.ingest(t, samples);
        }
        for (let s = start; s < end; s += intervalMs) {
          const { record } = buildRecord({ config, chips, targets, inventoryTtlMs: DAY }, s, s + intervalMs);
          assertValid(
            record,
            registry,
            `agent record (prober restart ${restart === undefined ? 'none' : new Date(restart).toISOString()})`,
          );
          // Without a restart every interval has its histograms.
          if (restart === undefined) assert.ok(record.histograms?.lat_city_hist, 'histograms are built');
        }
      },
    ),
    { numRuns: 80 },
  );
});

test('the prober restarts its counters at a counter event and keeps counting from zero', () => {
  const { plan } = centerOf({ seed: 3, index: 2, asOfDay: 2000, originDays: 30 });
  const at = plan.originMs + 10 * DAY;
  const restarted = buildCenterDevices(plan, {
    counterEvents: new Map([[plan.prober.id, [{ atMs: at, kind: 'reset' as const }]]]),
  }).byId.get(plan.prober.id) as SimDevice<SmokepingState>;
  const before = restarted.read(at - 1).targets[0]!.count;
  const after = restarted.read(at + 60_000).targets[0]!.count;
  assert.ok(before > 800_000, `a 10-day-old prober has sent many probes (${before})`);
  // One probe a second; each bucket's floor may lose one.
  assert.ok(after <= 60 && after >= 60 - SMOKEPING_BUCKETS_MS.length - 1, `a minute after the restart: ${after}`);
});
