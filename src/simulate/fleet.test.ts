/**
 * @module Tests of the fleet generator and the physics: determinism, registry validity, plausible PUE, cooling by season
 * and latitude, exact sums.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileSchema } from '../shared/json-schema.ts';
import { CATALOG_DIR } from '../catalog/paths.ts';
import { generateFleet, localMidnightMs } from './fleet.ts';
import { CenterPhysics } from './physics.ts';
import { buildCenterDevices } from './devices.ts';
import { truthFor } from './ground-truth.ts';
import { provinces } from './geography.ts';
import type {
  MeterState,
  PduState,
  ServerState,
  UpsState,
  ChillerState,
  CrahState,
  NodeState,
  DcgmState,
} from './device-state.ts';
import { Wave } from './wave.ts';

const DAY = 86_400_000;
const JULY = localMidnightMs('2026-07-15');
const JANUARY = localMidnightMs('2026-01-15');

test('same seed gives the same fleet and readings; another seed a different one', () => {
  const a = generateFleet({ centers: 12, seed: 42, origin: '2026-07-01' });
  const b = generateFleet({ centers: 12, seed: 42, origin: '2026-07-01' });
  const c = generateFleet({ centers: 12, seed: 43, origin: '2026-07-01' });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.registry, c.registry);
  const read = (f: typeof a) => buildCenterDevices(f.plans[0]!).devices.map((d) => d.read(JULY + 12_345_678));
  assert.deepEqual(read(a), read(b));
  assert.notDeepEqual(read(a), read(c));
});

test('a larger fleet extends a smaller one with the same seed', () => {
  const small = generateFleet({ centers: 5, seed: 9 });
  const big = generateFleet({ centers: 40, seed: 9 });
  assert.deepEqual(big.registry.centers.slice(0, 5), small.registry.centers);
});

test('the registry validates against registry.schema.json and covers all 31 provinces', () => {
  const schema = JSON.parse(readFileSync(path.join(CATALOG_DIR, 'schema', 'registry.schema.json'), 'utf8')) as object;
  const fleet = generateFleet({ centers: 64, seed: 1 });
  const validate = compileSchema(schema);
  assert.deepEqual(validate.problems(fleet.registry), []);
  const seen = new Set(fleet.registry.centers.map((c) => c.province));
  assert.equal(seen.size, 31);
  assert.equal(provinces().length, 31);
  const ids = fleet.registry.centers.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  // Some new centers (since 2022) and some older than a year, of every type.
  const years = fleet.registry.centers.map((c) => Number(c.commission_date!.slice(0, 4)));
  assert.ok(years.some((y) => y >= 2022) && years.some((y) => y < 2022));
  assert.deepEqual(
    new Set(fleet.registry.centers.map((c) => c.type)),
    new Set(['general', 'intelligent', 'supercomputing']),
  );
  // Hub centers only in their cluster's province.
  const clusterProvince: Record<string, string> = {
    guian: '52',
    zhongwei: '64',
    qingyang: '62',
    helingeer: '15',
    shaoguan: '44',
  };
  for (const c of fleet.registry.centers)
    if (c.hub_cluster && clusterProvince[c.hub_cluster]) assert.equal(c.province, clusterProvince[c.hub_cluster]);
});

test('device counts stay small by default and scale multiplies rack-level devices', () => {
  const f = generateFleet({ centers: 20, seed: 5 });
  for (const p of f.plans) {
    assert.ok(p.counts.server >= 4 && p.counts.server <= 20, `${p.center} servers ${p.counts.server}`);
    assert.ok(p.counts.pdu >= 2 && p.counts.pdu <= 6);
    assert.ok(p.counts.ups >= 1 && p.counts.ups <= 2);
    assert.ok(p.counts.meter >= 3 && p.counts.meter <= 4);
    assert.ok(p.counts.chiller >= 1 && p.counts.chiller <= 4);
    assert.ok(p.counts.crah >= 2 && p.counts.crah <= 6);
    const exporters = p.counts.node + p.counts.dcgm + p.counts.npu;
    assert.ok(exporters >= 2 && exporters <= 9, `${p.center} exporters ${exporters}`);
  }
  const scaled = generateFleet({ centers: 3, seed: 5, scale: 10 });
  assert.equal(scaled.plans[0]!.counts.server, f.plans[0]!.counts.server * 10);
});

test('the chip mix leans domestic in the western hubs and foreign on the coast', () => {
  const f = generateFleet({ centers: 300, seed: 3 });
  const share = (codes: string[]) => {
    const servers = f.plans.filter((p) => codes.includes(p.province)).flatMap((p) => p.servers);
    return (
      servers.filter((s) => ['kunpeng920', 'hygon7285', 'phytiumS2500'].includes(s.cpuModel)).length / servers.length
    );
  };
  const west = share(['52', '62', '64', '15']);
  const coast = share(['44', '31', '32', '33']);
  assert.ok(west > 0.55, `west ${west}`);
  assert.ok(coast < 0.4, `coast ${coast}`);
});

test('PUE is plausible for every center over a simulated day, summer and winter', () => {
  const f = generateFleet({ centers: 80, seed: 11, origin: '2026-01-10' });
  for (const plan of f.plans) {
    const ph = new CenterPhysics(plan);
    for (const day of [JULY, JANUARY]) {
      const pue = ph.kwh('fac', day, day + DAY) / ph.kwh('it', day, day + DAY);
      assert.ok(pue >= 1.1 && pue <= 1.65, `${plan.center} PUE ${pue}`);
    }
  }
});

test('cooling is higher in summer than in winter and in the south than in the north', () => {
  const f = generateFleet({ centers: 120, seed: 21, origin: '2026-01-10' });
  const ratio = (plan: (typeof f.plans)[number], day: number) => {
    const ph = new CenterPhysics(plan);
    return ph.kwh('cool', day, day + DAY) / ph.kwh('it', day, day + DAY);
  };
  for (const plan of f.plans) assert.ok(ratio(plan, JULY) > ratio(plan, JANUARY), plan.center);
  // Same design quality, different latitude: Guangdong (23°N) vs Heilongjiang (46°N), per unit of design factor.
  const mean = (codes: string[]) => {
    const ps = f.plans.filter((p) => codes.includes(p.province));
    return ps.reduce((s, p) => s + ratio(p, JANUARY) / p.coolingDesign, 0) / ps.length;
  };
  assert.ok(mean(['44', '46', '45']) > 1.5 * mean(['23', '22', '15']));
});

test('device readings add up to the center totals and counters are monotonic', () => {
  const f = generateFleet({ centers: 6, seed: 8 });
  for (const plan of f.plans) {
    const { devices, physics } = buildCenterDevices(plan);
    let prev = new Map<string, number[]>();
    for (let t = JULY; t <= JULY + DAY; t += 37 * 60_000) {
      const states = devices.map((d) => d.read(t));
      const of = <S>(kind: string) => states.filter((s) => s.kind === kind) as S[];
      const meter = (role: string) =>
        devices.findIndex((d) => d.id.endsWith(`-meter-${role}`)) >= 0
          ? (states[devices.findIndex((d) => d.id.endsWith(`-meter-${role}`))] as MeterState)
          : undefined;
      const it = meter('it')!.totalPowerWatts;
      const pduSum = of<PduState>('pdu').reduce((s, p) => s + p.powerWatts, 0);
      const upsSum = of<UpsState>('ups').reduce((s, u) => s + u.outputLines.reduce((a, l) => a + l.powerWatts, 0), 0);
      const cooling =
        of<ChillerState>('chiller').reduce((s, c) => s + c.powerKw * 1000, 0) +
        of<CrahState>('crah').reduce((s, c) => s + c.powerKw * 1000, 0);
      assert.ok(Math.abs(pduSum - it) < 1e-6 * it, `${plan.center} Σ PDU ${pduSum} vs IT ${it}`);
      assert.ok(Math.abs(upsSum - it) < 1e-6 * it);
      assert.ok(Math.abs(meter('cooling')!.totalPowerWatts - cooling) < 1e-6 * cooling);
      const fac = meter('facility')!.totalPowerWatts;
      assert.ok(Math.abs(fac - (it + cooling + physics.at('loss', t))) < 1e-6 * fac);
      for (const p of of<PduState>('pdu'))
        assert.ok(Math.abs(p.energyKwh - p.outlets.reduce((s, o) => s + o.energyKwh, 0)) < 1e-6 * p.energyKwh);
      // Server on its PDU outlet draws the BMC's reading.
      for (const s of devices.filter((d) => d.kind === 'server')) {
        const pdu = of<PduState>('pdu')
          .flatMap((p) => p.outlets)
          .find((o) => o.name === s.id)!;
        assert.ok(Math.abs(pdu.powerWatts - (states[devices.indexOf(s)] as ServerState).powerWatts) < 1e-9);
      }
      const counters = new Map<string, number[]>();
      devices.forEach((d, i) => {
        const s = states[i]!;
        const values: number[] =
          s.kind === 'meter'
            ? [s.importKwh]
            : s.kind === 'server' || s.kind === 'pdu' || s.kind === 'chiller' || s.kind === 'crah'
              ? [s.energyKwh]
              : s.kind === 'ups'
                ? [s.outputEnergyKwh]
                : s.kind === 'node'
                  ? (s as NodeState).cpuSeconds.flatMap((c) => Object.values(c))
                  : s.kind === 'dcgm'
                    ? (s as DcgmState).gpus.map((g) => g.energyMillijoules)
                    : [];
        if (s.kind === 'chiller') values.push(s.waterM3);
        counters.set(d.id, values);
        const before = prev.get(d.id);
        if (before)
          values.forEach((v, k) =>
            assert.ok(v >= before[k]! - 1e-9, `${d.id} counter ${k} went back ${before[k]} → ${v}`),
          );
      });
      prev = counters;
    }
  }
});

test('meter counters integrate the meter power exactly', () => {
  const plan = generateFleet({ centers: 1, seed: 2 }).plans[0]!;
  const { devices } = buildCenterDevices(plan);
  const meter = devices.find((d) => d.id.endsWith('-meter-facility'))!;
  const t1 = JULY + 3_600_000;
  const t2 = t1 + 6 * 3_600_000;
  const exact = (meter.read(t2) as MeterState).importKwh - (meter.read(t1) as MeterState).importKwh;
  // Trapezoid rule on 10 s steps as an independent integration.
  let sum = 0;
  const step = 10_000;
  for (let t = t1; t < t2; t += step)
    sum +=
      (((meter.read(t) as MeterState).totalPowerWatts + (meter.read(t + step) as MeterState).totalPowerWatts) / 2) *
      (step / 1000);
  assert.ok(Math.abs(sum / 3.6e6 - exact) < 1e-6 * exact, `${sum / 3.6e6} vs ${exact}`);
});

test('ground truth: energy balance, device-hours within bounds, inventory from devices', () => {
  const f = generateFleet({ centers: 10, seed: 4 });
  for (const plan of f.plans) {
    const g = truthFor(new CenterPhysics(plan), JULY, JULY + DAY).metrics;
    assert.ok(Math.abs(g.e_total_kwh! - g.e_it_kwh! - g.e_cooling_kwh! - g.e_loss_kwh!) < 1e-6 * g.e_total_kwh!);
    assert.ok(
      g.accel_dev_h_busy! <= g.accel_dev_h_alloc! + 1e-9 && g.accel_dev_h_alloc! <= g.accel_dev_h_avail! + 1e-9,
    );
    assert.ok(g.cpu_core_h_busy! > 0 && g.cpu_core_h_busy! < g.cpu_core_h_avail!);
    // The devices are a 1:N model of the center; the truth is the whole center's.
    assert.equal(g.servers_total, plan.servers.length * plan.modelScale);
    assert.equal(g.accel_total, plan.servers.reduce((s, x) => s + x.accelCount, 0) * plan.modelScale);
    assert.ok(g.water_m3! >= 0);
  }
});

test('Wave products and integrals are exact', () => {
  const a = Wave.constant(2).plus(Wave.cosine(364, 1, 3600));
  const b = Wave.constant(1)
    .plus(Wave.cosine(52, 0.5, 0))
    .plus(Wave.cosine(364, 0.3, 7200));
  const p = a.times(b);
  for (const t of [0, 1234, 86_400 * 3.3, 1e8]) assert.ok(Math.abs(p.at(t) - a.at(t) * b.at(t)) < 1e-9);
  let sum = 0;
  const h = 1;
  for (let t = 0; t < 7200; t += h) sum += ((p.at(t) + p.at(t + h)) / 2) * h;
  assert.ok(Math.abs(sum - p.integral(0, 7200)) < 1e-7 * Math.abs(sum));
});

test('a national picture: fictitious Chinese names, magnitudes of each MIIT class, a consistently scaled model', () => {
  const f = generateFleet({ centers: 100, seed: 1, asOf: '2026-12-07' });
  const brands =
    /China Mobile|Telecom|Unicom|GDS|Alibaba|Tencent|Huawei|Chindata|Range|Baidu|Sugon|VNET|移动|电信|联通|阿里|腾讯|华为|百度|万国|世纪互联|曙光|秦淮|润泽/;
  const names = new Set<string>();
  for (const c of f.registry.centers) {
    const plan = f.plans.find((p) => p.center === c.id)!;
    assert.match(c.name, /^[\u4e00-\u9fff]+(数据中心|智算中心|超算中心)([二三四五六七八九十]期)?$/, c.name);
    assert.match(c.operator!, /^[\u4e00-\u9fff]+有限公司$/);
    assert.match(
      c.name_en!,
      /^[A-Z][A-Za-z' ]+ (Data Center|Intelligent Computing Center|Supercomputing Center)( Phase \d+)?$/,
    );
    assert.doesNotMatch(`${c.name} ${c.name_en} ${c.operator} ${c.operator_en}`, brands);
    names.add(c.name);
    // MIIT classes by installed standard racks (registry.schema.json).
    const [lo, hi] = { small: [100, 500], medium: [500, 3000], large: [3000, 10_000], hyperscale: [10_000, 40_000] }[
      c.size_class
    ];
    assert.ok(
      c.racks_installed >= lo! && c.racks_installed < hi!,
      `${c.id} ${c.size_class}: ${c.racks_installed} racks`,
    );
    // Scaled consistently: N times the simulated racks, and IT power a plausible 1–15 kW per rack (old halls ~2, AI halls 10+).
    assert.equal(c.model_scale, plan.modelScale);
    assert.equal(c.racks_installed % plan.modelScale, 0);
    assert.ok(c.racks_installed / plan.modelScale >= plan.pdus.length, 'the model has a PDU per rack in use');
    const kwPerRack = c.it_rated_kw / c.racks_installed;
    assert.ok(kwPerRack > 1 && kwPerRack < 15, `${c.id}: ${kwPerRack.toFixed(2)} kW per rack`);
  }
  assert.equal(names.size, 100, 'every center has its own name');
});
