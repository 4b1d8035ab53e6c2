/**
 * @module The demo's fault scenario: a few minutes after start the chillers of one center trip (src/simulate/
 * cooling-failure.ts), its server inlets heat up until cooling comes back — so the on-call path has something to
 * show: an alert firing with province, center and runbook on the console's alerts page, then resolved.
 */
import { durationMs } from '../agent/config/durations.ts';
import { provinces } from '../simulate/geography.ts';
import type { SimClock } from '../simulate/clock.ts';
import type { Simulation } from '../simulate/serve.ts';
import type { DemoOptions } from './options.ts';

export interface FaultScenario {
  center: string;
  name: string;
  province: string;
  /** When the chillers trip and when cooling comes back (the demo's clock). */
  atMs: number;
  untilMs: number;
  cancel(): void;
}

const clockTime = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(11, 19);

/** Announces the scenario in the log with its times and arms it on the demo's clock. */
export function scheduleFault(
  o: Pick<DemoOptions, 'fault_after' | 'fault_duration'>,
  sim: Simulation,
  clock: SimClock,
  log: (s: string) => void,
): FaultScenario {
  // The provincial token's province (Guizhou when the fleet has it), so its bureau sees the alert too.
  const centers = sim.fleet.registry.centers;
  const c = centers.find((x) => x.province === '52') ?? centers[0]!;
  const province = provinces().find((p) => p.code === c.province)?.zh ?? c.province;
  const after = durationMs(o.fault_after);
  const atMs = clock.now() + after;
  const untilMs = atMs + durationMs(o.fault_duration);
  const who = `${c.name} (${c.id}, ${province})`;
  log(
    `fault scenario: at ${clockTime(atMs)} (in ${o.fault_after}) the chillers of ${who} trip and its server inlets heat up; cooling comes back at ${clockTime(untilMs)}. Watch the console's alerts page.`,
  );
  const cancels = [
    clock.setTimer(() => {
      sim.setCoolingFailure(c.id, true);
      log(`fault: the chillers of ${who} tripped at ${clockTime(clock.now())}`);
    }, after),
    clock.setTimer(() => {
      sim.setCoolingFailure(c.id, false);
      log(`fault: cooling of ${who} is back at ${clockTime(clock.now())}`);
    }, untilMs - clock.now()),
  ];
  return { center: c.id, name: c.name, province: c.province, atMs, untilMs, cancel: () => cancels.forEach((f) => f()) };
}
