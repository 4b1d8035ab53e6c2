/** @module The SNMP TargetCollector: one session per target, profiles applied to what the agent answers. */
import type { CollectorContext, Sample, TargetCollector } from '../types.ts';
import { CollectError } from '../types.ts';
import { validateConfig } from './config.ts';
import { fetchPlan, type FetchOptions } from './fetch.ts';
import { mapReadout } from './map.ts';
import { planReads, type ReadPlan } from './plan.ts';
import { loadProfile } from './profile.ts';
import { openSession, type SnmpSession } from './session.ts';
import type { Profile } from './types.ts';

/**
 * One collection on an open session: read the plan, apply the profiles. Throws CollectError('protocol')
 * when nothing usable came back; partial absences go to `warn` so the samples that exist still flow.
 */
export async function readTarget(
  session: SnmpSession,
  profiles: Profile[],
  plan: ReadPlan,
  options: FetchOptions,
  signal: AbortSignal,
  warn: (message: string, problems: string[]) => void,
): Promise<Sample[]> {
  const readout = await fetchPlan(session, plan, options, signal);
  const { samples, problems } = mapReadout(profiles, readout);
  if (samples.length === 0) {
    const detail =
      problems.length > 0 ? problems.join('; ') : `no object of ${profiles.map((p) => p.name).join(', ')} answered`;
    throw new CollectError(
      'protocol',
      `SNMP ${session.target}: no readings; ${detail}. Check that the profile matches the device.`,
    );
  }
  if (problems.length > 0) warn(`SNMP ${session.target}: some objects were skipped`, problems);
  return samples;
}

/** Loads the named profiles; a broken shipped profile is a config error. */
export function loadProfiles(names: readonly Parameters<typeof loadProfile>[0][]): Profile[] {
  return names.map((name) => {
    try {
      return loadProfile(name);
    } catch (error) {
      throw new CollectError('config', (error as Error).message, { cause: error });
    }
  });
}

/**
 * Validates `config` and builds the collector; opens no socket (the session is created on first collect).
 * @example
 * const c = createSnmpCollector({ host: '10.0.0.5', version: '2c', community: 'public', profiles: ['ups-mib'] }, ctx);
 * const samples = await c.collect(AbortSignal.timeout(5000));
 */
export function createSnmpCollector(raw: unknown, context: CollectorContext): TargetCollector {
  const config = validateConfig(raw);
  const profiles = loadProfiles(config.profiles);
  const plan = planReads(profiles);
  const fetchOptions = { maxRepetitions: config.max_repetitions ?? 10, maxOidsPerGet: config.max_oids_per_get ?? 32 };
  const target = `${config.host}:${config.port ?? 161}`;
  let session: SnmpSession | undefined;

  function open(): SnmpSession {
    const resolve = (ref: string | undefined, field: string) => {
      if (ref === undefined) return undefined;
      try {
        return context.secret(ref);
      } catch (error) {
        throw new CollectError('config', `SNMP ${target}: cannot resolve v3.${field} (${ref.split(':')[0]}:…)`, {
          cause: error,
        });
      }
    };
    return openSession(config, {
      authKey: resolve(config.v3?.auth_key, 'auth_key'),
      privKey: resolve(config.v3?.priv_key, 'priv_key'),
    });
  }

  return {
    async collect(signal: AbortSignal): Promise<Sample[]> {
      session ??= open();
      return readTarget(session, profiles, plan, fetchOptions, signal, (message, problems) =>
        context.log('warn', message, { problems }),
      );
    },
    async close(): Promise<void> {
      session?.close();
      session = undefined;
    },
  };
}
