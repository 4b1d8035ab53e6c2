/**
 * @module A cooling failure at one simulated center: chillers and CRAHs stop and alarm, and server inlet
 * temperatures climb (about 12 °C within a simulated minute, as in a dense room) until the failure is cleared.
 *
 * It changes only what devices report over their protocols, as a real failure would be seen; the energy
 * model is left alone (the electrical meters keep their readings).
 */
import type { CenterDevices } from './devices.ts';
import type { ChillerState, CrahState, PduState, ServerState, SimDevice } from './device-state.ts';

const RISE_C = 12;
const RAMP_MS = 60_000;

/** Switches for every center that can fail; `set(true)` starts a failure now, `set(false)` clears it. */
export class CoolingFailures {
  private readonly since = new Map<string, number>();
  private readonly wrapped = new Set<string>();
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  /** Starts (`failed`) or clears a cooling failure at a center. */
  set(center: CenterDevices, failed: boolean): void {
    const id = center.plan.center;
    if (!this.wrapped.has(id)) this.wrap(center);
    if (failed) {
      if (!this.since.has(id)) this.since.set(id, this.now());
    } else {
      this.since.delete(id);
    }
  }

  /** Degrees of extra inlet temperature at `ms` for a center (0 when cooling works). */
  rise(center: string, ms: number): number {
    const s = this.since.get(center);
    if (s === undefined || ms < s) return 0;
    return RISE_C * Math.min(1, (ms - s) / RAMP_MS);
  }

  private wrap(c: CenterDevices): void {
    const id = c.plan.center;
    this.wrapped.add(id);
    for (const d of c.devices) {
      const read = d.read.bind(d) as (ms: number) => unknown;
      const failing = (ms: number) => this.since.has(id) && ms >= this.since.get(id)!;
      switch (d.kind) {
        case 'server':
          (d as SimDevice<ServerState>).read = (ms) => {
            const s = read(ms) as ServerState;
            const r = this.rise(id, ms);
            return r === 0 ? s : { ...s, inletCelsius: s.inletCelsius + r, exhaustCelsius: s.exhaustCelsius + r };
          };
          break;
        case 'pdu':
          (d as SimDevice<PduState>).read = (ms) => {
            const s = read(ms) as PduState;
            const r = this.rise(id, ms);
            return r === 0 || s.inletCelsius === undefined ? s : { ...s, inletCelsius: s.inletCelsius + r };
          };
          break;
        case 'chiller':
          (d as SimDevice<ChillerState>).read = (ms) => {
            const s = read(ms) as ChillerState;
            return failing(ms) ? { ...s, running: false, powerKw: 0, flowM3h: 0, alarms: s.alarms + 1 } : s;
          };
          break;
        case 'crah':
          (d as SimDevice<CrahState>).read = (ms) => {
            const s = read(ms) as CrahState;
            return failing(ms) ? { ...s, running: false, powerKw: 0, fanPercent: 0, alarms: s.alarms + 1 } : s;
          };
          break;
        default:
      }
    }
  }
}
