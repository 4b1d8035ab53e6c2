/** @module A collector plugin for tests and demos: each target's samples come from a function, and it can hang or fail on demand. */
import { CollectError } from '../../../collectors/types.ts';
import type { CollectorPlugin, MissingReading, Sample, TargetCollector } from '../../../collectors/types.ts';

export interface FakeBehaviour {
  /** Samples for a collection at simulated time `now`. */
  samples?: (now: number) => Sample[];
  /** Never answer and ignore the abort signal (the worst collector). */
  hang?: boolean;
  /** Fail with this error kind. */
  fail?: 'timeout' | 'connection' | 'parse';
  /** Answer after this many real ms. */
  delayMs?: number;
  /** Readings the target's "profile" expects and did not get: the read is partial. */
  missing?: MissingReading[];
}

/** A plugin named `fake` whose targets' config is `{ name }`; behaviours are looked up by name on every collection. */
export function fakePlugin(
  behaviours: Map<string, FakeBehaviour>,
  now: () => number = Date.now,
): CollectorPlugin<{ name: string }> & { calls: Map<string, number> } {
  const calls = new Map<string, number>();
  return {
    protocol: 'prometheus',
    configSchema: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' } },
      additionalProperties: false,
    },
    calls,
    create(config: { name: string }): TargetCollector {
      return {
        async collect(signal: AbortSignal): Promise<Sample[]> {
          calls.set(config.name, (calls.get(config.name) ?? 0) + 1);
          const b = behaviours.get(config.name) ?? {};
          if (b.hang) return new Promise<Sample[]>(() => {});
          if (b.delayMs) {
            await new Promise<void>((resolve, reject) => {
              const t = setTimeout(resolve, b.delayMs);
              signal.addEventListener('abort', () => {
                clearTimeout(t);
                reject(new CollectError('timeout', `${config.name}: deadline exceeded`));
              });
            });
          }
          if (b.fail) throw new CollectError(b.fail, `${config.name}: injected ${b.fail}`);
          return b.samples ? b.samples(now()) : [];
        },
        report() {
          return { produced: [{ profile: 'fake', samples: 0 }], missing: behaviours.get(config.name)?.missing ?? [] };
        },
        async close() {},
      };
    },
  };
}
