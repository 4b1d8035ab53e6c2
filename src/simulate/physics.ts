/**
 * @module The physics of one simulated center as exact functions of time: IT load, cooling, losses, PV, water,
 * CPU and accelerator utilization and allocation. Every device reading and every ground-truth figure comes from
 * here, so device sums equal center totals by construction and counters are exact integrals.
 *
 * Time model: seconds since T0 = 2024-01-01 00:00 Asia/Shanghai (a Monday). Within one local day every signal
 * is a {@link Wave}; from day to day only the accelerator allocation changes. Integrals from the center's origin
 * are kept as per-day prefix sums, so a counter read costs one closed-form partial-day integral.
 *
 * Channels (all W unless noted): `srv/i` server input, `cpu/i` CPU busy fraction, `acc/i/j` accelerator
 * utilization fraction, `accp/i/j` accelerator W, `alloc/i/j` 1 while allocated, `net/p` network outlet,
 * `pdu/p`, `ups/u` output, `upsin/u` input, `it`, `chl/c`, `wat/c` make-up water m³/s, `crah/r`, `cool`,
 * `loss`, `fac` (facility = it + cool + loss), `pv`.
 */
import { ACCEL_MODELS, CPU_MODELS } from './chips.ts';
import type { CenterPlan, LoadProfile } from './fleet.ts';
import { hash32 } from './random.ts';
import { HARMONIC, Wave } from './wave.ts';

/** 2024-01-01T00:00:00+08:00 in epoch ms. */
export const T0_MS = Date.UTC(2023, 11, 31, 16, 0, 0);
const DAY_S = 86_400;
const J_PER_KWH = 3_600_000;

/** Seconds since T0 for an epoch-ms instant. */
export function simSeconds(ms: number): number {
  return (ms - T0_MS) / 1000;
}

/** Cooling overhead (cooling W per IT W) at outdoor temperature T is design × (KAPPA0 + KAPPA1·T). */
const KAPPA0 = 0.21;
const KAPPA1 = 0.0065;
/** Day of the 364-day cycle with the warmest weather (≈ 22 July) and the most sun (≈ 10 June). */
const WARMEST_DAY = 203;
const SUNNIEST_DAY = 161;

export function profileWave(p: LoadProfile): Wave {
  return Wave.sum([
    Wave.constant(p.base),
    Wave.cosine(HARMONIC.day, p.diurnal, p.peakHour * 3600),
    Wave.cosine(HARMONIC.halfDay, p.halfDay, p.peakHour * 3600),
    // T0 is a Monday: the weekly cycle peaks Wednesday noon and bottoms out at the turn of Saturday to Sunday.
    Wave.cosine(HARMONIC.week, p.weekly, 2.5 * DAY_S),
    Wave.cosine(HARMONIC.drift, p.drift, p.driftPhaseS),
    Wave.cosine(HARMONIC.churn, p.churn, p.churnPhaseS),
  ]);
}

/** The signals that do not change from day to day; a day only switches accelerator cards on or off. */
interface Statics {
  cpu: Wave[];
  accel: Wave[][];
  outdoorC: Wave;
  coolFactor: Wave;
  pv: Wave;
  /** Server input with every card idle and unallocated. */
  serverIdle: Wave[];
  /** Card power while allocated / while idle. */
  cardOn: Wave[][];
  cardOff: number[][];
  /** Extra server power of an allocated card (on − idle), and that extra × the cooling factor. */
  cardExtra: Wave[][];
  cardExtraCool: Wave[][];
  /** PDU and UPS loads, IT and cooling with every card idle. */
  pduIdle: Wave[];
  itIdle: Wave;
  coolIdle: Wave;
}

/** Exact physics of one center. */
export class CenterPhysics {
  readonly plan: CenterPlan;
  readonly originS: number;
  readonly originDay: number;
  private readonly statics: Statics;
  private readonly days = new Map<number, Map<string, Wave>>();
  /** channel → ∫ from origin to the start of day originDay + k, for k = 0..computed. */
  private readonly prefix = new Map<string, number[]>();
  private computed = 0;

  constructor(plan: CenterPlan) {
    this.plan = plan;
    this.originS = simSeconds(plan.originMs);
    this.originDay = Math.floor(this.originS / DAY_S);
    const { climate } = plan;
    const outdoorC = Wave.sum([
      Wave.constant(climate.meanC),
      Wave.cosine(HARMONIC.season, climate.seasonalC, WARMEST_DAY * DAY_S),
      Wave.cosine(HARMONIC.day, climate.diurnalC, 15 * 3600),
    ]);
    const daylight = Wave.constant(0.5).plus(Wave.cosine(HARMONIC.day, 0.5, 12.5 * 3600));
    const coolFactor = outdoorC.scale(KAPPA1).plus(KAPPA0).scale(plan.coolingDesign);
    const cpu = plan.servers.map((s) => profileWave(s.cpuLoad));
    const accel = plan.servers.map((s, i) =>
      Array.from({ length: s.accelCount }, (_, j) => {
        // Each card shares its host's rhythm with its own job-churn phase.
        const shift = (hash32(`${plan.seed}|card|${s.id}|${j}`) / 4294967296) * DAY_S;
        return s.accelLoad
          ? profileWave({ ...s.accelLoad, churnPhaseS: s.accelLoad.churnPhaseS + shift + i })
          : Wave.ZERO;
      }),
    );
    const serverIdle = plan.servers.map((s, i) => {
      const c = CPU_MODELS[s.cpuModel]!;
      const acc = s.accelModel ? ACCEL_MODELS[s.accelModel]! : undefined;
      return cpu[i]!.scale(s.sockets * (c.maxWatts - c.idleWatts)).plus(
        s.baseWatts + s.sockets * c.idleWatts + (acc ? s.accelCount * acc.idleWatts : 0),
      );
    });
    const cardOn = plan.servers.map((s, i) => {
      const acc = s.accelModel ? ACCEL_MODELS[s.accelModel]! : undefined;
      return accel[i]!.map((u) => u.scale(acc!.maxWatts - acc!.idleWatts).plus(acc!.idleWatts));
    });
    const cardOff = plan.servers.map((s) =>
      Array.from({ length: s.accelCount }, () => ACCEL_MODELS[s.accelModel!]!.idleWatts),
    );
    const cardExtra = cardOn.map((cards, i) => cards.map((w, j) => w.plus(-cardOff[i]![j]!)));
    const pduIdle = plan.pdus.map((p, pi) =>
      Wave.sum([
        Wave.constant(p.networkWatts),
        ...plan.servers.flatMap((s, i) => (s.pdu === pi ? [serverIdle[i]!] : [])),
      ]),
    );
    const itIdle = Wave.sum(pduIdle);
    this.statics = {
      cpu,
      accel,
      outdoorC,
      coolFactor,
      // ((1 + cos)/2)³ is a smooth, never-negative daylight bell; summer sun is stronger than winter sun.
      pv: daylight
        .times(daylight)
        .times(daylight)
        .times(Wave.constant(0.85).plus(Wave.cosine(HARMONIC.season, 0.15, SUNNIEST_DAY * DAY_S)))
        .scale(plan.pvPeakKw * 1000),
      serverIdle,
      cardOn,
      cardOff,
      cardExtra,
      cardExtraCool: cardExtra.map((cards) => cards.map((w) => w.times(coolFactor))),
      pduIdle,
      itIdle,
      coolIdle: itIdle.times(coolFactor),
    };
  }

  /** Whether accelerator j of server i holds a workload on local day `day` (seconds since T0 / 86400, floored). */
  allocated(i: number, j: number, day: number): boolean {
    const s = this.plan.servers[i]!;
    return hash32(`${this.plan.seed}|alloc|${s.id}|${j}|${day}`) / 4294967296 < s.allocShare;
  }

  /** Whether accelerator j of server i, when allocated on day `day`, runs a job dispatched by the scheduling platform. */
  scheduled(i: number, j: number, day: number): boolean {
    const s = this.plan.servers[i]!;
    return hash32(`${this.plan.seed}|sched|${s.id}|${j}|${day}`) / 4294967296 < this.plan.schedShare;
  }

  /** Outdoor dry-bulb temperature, °C. */
  outdoorC(ms: number): number {
    return this.statics.outdoorC.at(simSeconds(ms));
  }

  private buildDay(day: number): Map<string, Wave> {
    const ch = new Map<string, Wave>();
    if (day < this.originDay) return ch;
    const { plan, statics: st } = this;
    // Everything is linear in the cards' on/off state: idle parts plus the extra of each allocated card.
    const extra: Wave[][] = plan.servers.map(() => []);
    const extraCool: Wave[] = [];
    plan.servers.forEach((s, i) => {
      ch.set(`cpu/${i}`, st.cpu[i]!);
      for (let j = 0; j < s.accelCount; j++) {
        const on = this.allocated(i, j, day);
        // An unallocated card sits idle: no utilization, idle power.
        ch.set(`acc/${i}/${j}`, on ? st.accel[i]![j]! : Wave.ZERO);
        ch.set(`accp/${i}/${j}`, on ? st.cardOn[i]![j]! : Wave.constant(st.cardOff[i]![j]!));
        ch.set(`alloc/${i}/${j}`, Wave.constant(on ? 1 : 0));
        if (on) {
          extra[i]!.push(st.cardExtra[i]![j]!);
          extraCool.push(st.cardExtraCool[i]![j]!);
        }
      }
    });
    const srv = plan.servers.map((_, i) =>
      extra[i]!.length === 0 ? st.serverIdle[i]! : Wave.sum([st.serverIdle[i]!, ...extra[i]!]),
    );
    srv.forEach((w, i) => ch.set(`srv/${i}`, w));
    const pdu: Wave[] = plan.pdus.map((p, pi) => {
      ch.set(`net/${pi}`, Wave.constant(p.networkWatts));
      const fedExtra = plan.servers.flatMap((s, i) => (s.pdu === pi ? extra[i]! : []));
      const w = fedExtra.length === 0 ? st.pduIdle[pi]! : Wave.sum([st.pduIdle[pi]!, ...fedExtra]);
      ch.set(`pdu/${pi}`, w);
      return w;
    });
    const upsLoss: Wave[] = [];
    const ups = plan.ups.map((u, ui) => {
      const out = Wave.sum(plan.pdus.flatMap((p, pi) => (p.ups === ui ? [pdu[pi]!] : [])));
      const loss = out.scale(u.lossShare).plus(u.noLoadKw * 1000);
      ch.set(`ups/${ui}`, out);
      ch.set(`upsin/${ui}`, out.plus(loss));
      upsLoss.push(loss);
      return out;
    });
    const it = Wave.sum(ups);
    ch.set('it', it);
    const coolTotal = extraCool.length === 0 ? st.coolIdle : Wave.sum([st.coolIdle, ...extraCool]);
    const running = plan.chillers.filter((c) => c.running).length;
    const parts: Wave[] = [];
    plan.chillers.forEach((c, ci) => {
      const w = c.running ? coolTotal.scale(plan.chillerShare / running) : Wave.ZERO;
      ch.set(`chl/${ci}`, w);
      ch.set(`wat/${ci}`, w.scale(c.waterM3PerKwh / J_PER_KWH));
      parts.push(w);
    });
    plan.crahs.forEach((_, ri) => {
      const w = coolTotal.scale((1 - plan.chillerShare) / plan.crahs.length);
      ch.set(`crah/${ri}`, w);
      parts.push(w);
    });
    const cool = Wave.sum(parts);
    ch.set('cool', cool);
    const loss = Wave.sum([...upsLoss, it.plus(cool).scale(plan.distLossShare), Wave.constant(plan.miscKw * 1000)]);
    ch.set('loss', loss);
    ch.set('fac', Wave.sum([it, cool, loss]));
    ch.set('pv', st.pv);
    return ch;
  }

  /** The waves of local day `day` (cached: a handful of recent days). */
  private day(day: number): Map<string, Wave> {
    let m = this.days.get(day);
    if (!m) {
      m = this.buildDay(day);
      if (this.days.size >= 8) this.days.delete(this.days.keys().next().value!);
      this.days.set(day, m);
    }
    return m;
  }

  private ensurePrefix(day: number): void {
    while (this.originDay + this.computed < day) {
      const d = this.originDay + this.computed;
      const waves = this.day(d);
      for (const [name, w] of waves) {
        let arr = this.prefix.get(name);
        if (!arr) this.prefix.set(name, (arr = new Array<number>(this.computed + 1).fill(0)));
        arr.push(arr[this.computed]! + w.integralOfDay(d));
      }
      this.computed += 1;
    }
  }

  /** Instantaneous value of a channel at `ms`. */
  at(channel: string, ms: number): number {
    const s = simSeconds(ms);
    return (
      this.day(Math.floor(s / DAY_S))
        .get(channel)
        ?.at(s) ?? 0
    );
  }

  /** ∫ of a channel from the center's origin to `ms` (unit·s; W → J). */
  cumulative(channel: string, ms: number): number {
    const s = simSeconds(ms);
    const day = Math.floor(s / DAY_S);
    if (day < this.originDay) return 0;
    this.ensurePrefix(day);
    const base = this.prefix.get(channel)?.[day - this.originDay] ?? 0;
    return (
      base +
      (this.day(day)
        .get(channel)
        ?.integral(day * DAY_S, s) ?? 0)
    );
  }

  /**
   * ∫ of a channel over [fromMs, toMs). Every channel is a non-negative rate; the difference of two large cumulative
   * values can still come out at −1e-14 (PV at night), which is rounding, not a negative energy.
   */
  between(channel: string, fromMs: number, toMs: number): number {
    return Math.max(0, this.cumulative(channel, toMs) - this.cumulative(channel, fromMs));
  }

  /** Energy of a power channel over [fromMs, toMs), kWh. */
  kwh(channel: string, fromMs: number, toMs: number): number {
    return this.between(channel, fromMs, toMs) / J_PER_KWH;
  }
}
