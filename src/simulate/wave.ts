/**
 * @module Signals as finite Fourier sums over one commensurate base period, so products and integrals are exact.
 *
 * Why: cumulative counters (kWh, mJ, core-seconds) must be exact integrals of the powers the devices report,
 * and facility totals must equal the sums of their parts. Writing every signal as
 * `c + Σ aₖ·cos(ωₖt) + bₖ·sin(ωₖt)` with ωₖ = 2πk / BASE_PERIOD_S (k an integer) makes sums, products
 * (cooling = IT load × a climate factor) and definite integrals closed-form, with no step error.
 */

/** The base period: 364 days = 52 weeks, so days, weeks and (approximately) seasons are integer harmonics. */
export const BASE_PERIOD_S = 364 * 86_400;

/** Harmonic numbers of the periods the physics uses. */
export const HARMONIC = {
  season: 1,
  week: 52,
  day: 364,
  halfDay: 728,
  thirdDay: 1092,
  /** ≈ 4.8 h: slow workload drift. */
  drift: 1820,
  /** ≈ 3.4 h: job churn. */
  churn: 2548,
} as const;

const TWO_PI = 2 * Math.PI;

function omega(k: number): number {
  return (TWO_PI * k) / BASE_PERIOD_S;
}

/** An immutable signal `c + Σ a cos(ω_k t) + b sin(ω_k t)`, t in seconds. */
export class Wave {
  readonly c: number;
  /** harmonic k → [a, b] */
  readonly terms: ReadonlyMap<number, readonly [number, number]>;

  constructor(c: number, terms: ReadonlyMap<number, readonly [number, number]> = new Map()) {
    this.c = c;
    this.terms = terms;
  }

  static readonly ZERO = new Wave(0);

  static constant(c: number): Wave {
    return new Wave(c);
  }

  /** `amplitude · cos(ω_k (t − peakS))`: a harmonic that peaks at `peakS` seconds. */
  static cosine(k: number, amplitude: number, peakS: number): Wave {
    const phi = omega(k) * peakS;
    return new Wave(0, new Map([[k, [amplitude * Math.cos(phi), amplitude * Math.sin(phi)] as const]]));
  }

  /** Sum of the waves. */
  static sum(waves: readonly Wave[]): Wave {
    let c = 0;
    const terms = new Map<number, [number, number]>();
    for (const w of waves) {
      c += w.c;
      for (const [k, [a, b]] of w.terms) {
        const t = terms.get(k);
        if (t) {
          t[0] += a;
          t[1] += b;
        } else terms.set(k, [a, b]);
      }
    }
    return new Wave(c, terms);
  }

  plus(other: Wave | number): Wave {
    return typeof other === 'number' ? new Wave(this.c + other, this.terms) : Wave.sum([this, other]);
  }

  scale(s: number): Wave {
    if (s === 1) return this;
    const terms = new Map<number, readonly [number, number]>();
    for (const [k, [a, b]] of this.terms) terms.set(k, [a * s, b * s]);
    return new Wave(this.c * s, terms);
  }

  /** Product, by the product-to-sum identities (frequencies add and subtract). */
  times(other: Wave): Wave {
    const terms = new Map<number, [number, number]>();
    let c = this.c * other.c;
    const add = (k: number, a: number, b: number): void => {
      if (k === 0) {
        c += a;
        return;
      }
      const t = terms.get(k);
      if (t) {
        t[0] += a;
        t[1] += b;
      } else terms.set(k, [a, b]);
    };
    for (const [k, [a, b]] of this.terms) add(k, a * other.c, b * other.c);
    for (const [k, [a, b]] of other.terms) add(k, a * this.c, b * this.c);
    for (const [k1, [a1, b1]] of this.terms) {
      for (const [k2, [a2, b2]] of other.terms) {
        add(k1 + k2, 0.5 * (a1 * a2 - b1 * b2), 0.5 * (b1 * a2 + a1 * b2));
        const d = k1 - k2;
        const A = 0.5 * (a1 * a2 + b1 * b2);
        const B = 0.5 * (b1 * a2 - a1 * b2);
        // cos is even and sin odd: a negative frequency folds onto |d| with the sine part negated.
        if (d >= 0) add(d, A, B);
        else add(-d, A, -B);
      }
    }
    return new Wave(c, terms);
  }

  /** Value at t seconds. */
  at(t: number): number {
    let v = this.c;
    for (const [k, [a, b]] of this.terms) {
      const x = omega(k) * t;
      v += a * Math.cos(x) + b * Math.sin(x);
    }
    return v;
  }

  /** ∫ from t1 to t2 (seconds), exact. */
  integral(t1: number, t2: number): number {
    let v = this.c * (t2 - t1);
    for (const [k, [a, b]] of this.terms) {
      const w = omega(k);
      const x1 = w * t1;
      const x2 = w * t2;
      v += (a * (Math.sin(x2) - Math.sin(x1)) - b * (Math.cos(x2) - Math.cos(x1))) / w;
    }
    return v;
  }

  /**
   * ∫ over local day `day` (seconds [day·86400, (day+1)·86400)). Harmonics of the day integrate to exactly 0
   * over a whole day, so they are skipped: cheaper, and free of rounding noise.
   */
  integralOfDay(day: number): number {
    const t1 = day * 86_400;
    const t2 = t1 + 86_400;
    let v = this.c * 86_400;
    for (const [k, [a, b]] of this.terms) {
      if (k % HARMONIC.day === 0) continue;
      const w = omega(k);
      v += (a * (Math.sin(w * t2) - Math.sin(w * t1)) - b * (Math.cos(w * t2) - Math.cos(w * t1))) / w;
    }
    return v;
  }

  /** Sum of |amplitudes|: the wave stays within c ± this bound. */
  spread(): number {
    let s = 0;
    for (const [a, b] of this.terms.values()) s += Math.hypot(a, b);
    return s;
  }
}
