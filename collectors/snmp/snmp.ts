/** @module The SNMP TargetCollector: one session per target, profiles applied to what the agent answers. */
import type { CollectReport, CollectorContext, Sample, TargetCollector } from '../types.ts';
import { CollectError } from '../types.ts';
import { validateConfig } from './config.ts';
import { fetchPlan, type FetchOptions } from './fetch.ts';
import { mapReadout } from './map.ts';
import { planReads, type ReadPlan } from './plan.ts';
import { detectProfiles } from './detect.ts';
import { loadBundledProfiles, loadProfile } from './profile.ts';
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
): Promise<{ samples: Sample[]; produced: CollectReport['produced']; missing: CollectReport['missing'] }> {
  const readout = await fetchPlan(session, plan, options, signal);
  const { samples, problems, produced, missing } = mapReadout(profiles, readout);
  if (samples.length === 0) {
    const detail =
      problems.length > 0 ? problems.join('; ') : `no object of ${profiles.map((p) => p.name).join(', ')} answered`;
    throw new CollectError(
      'protocol',
      `SNMP ${session.target}: no readings; ${detail}. Check that the profile matches the device.`,
    );
  }
  if (problems.length > 0) warn(`SNMP ${session.target}: some objects were skipped`, problems);
  return { samples, produced, missing };
}

/** Loads the named profiles; a broken shipped profile is a config error. */
export function loadProfiles(names: readonly string[]): Profile[] {
  return names.map((name) => {
    try {
      return loadProfile(name);
    } catch (error) {
      throw new CollectError('config', (error as Error).message, { cause: error });
    }
  });
}

/** Every shipped profile, for profiles: auto; a broken one is a config error. */
function allProfiles(): Profile[] {
  try {
    return loadBundledProfiles();
  } catch (error) {
    throw new CollectError('config', (error as Error).message, { cause: error });
  }
}

/** The profiles a target reads and their plan: fixed by the config, or found by detection (auto). */
interface Chosen {
  profiles: Profile[];
  plan: ReadPlan;
  reason?: string;
}

/**
 * Validates `config` and builds the collector; opens no socket (the session is created on first collect).
 * With profiles: auto (the default) the first collection asks the device which profiles fit, and a failed
 * collection asks again the next time (a replaced card may need another profile).
 * @example
 * const c = createSnmpCollector({ host: '10.0.0.5', version: '2c', community: 'env:SNMP_COMMUNITY' }, ctx);
 * const samples = await c.collect(AbortSignal.timeout(5000));
 */
export function createSnmpCollector(raw: unknown, context: CollectorContext): TargetCollector {
  const config = validateConfig(raw);
  const auto = config.profiles === undefined || config.profiles === 'auto';
  const candidates = auto ? allProfiles() : loadProfiles(config.profiles as string[]);
  let chosen: Chosen | undefined = auto ? undefined : { profiles: candidates, plan: planReads(candidates) };
  const fetchOptions = { maxRepetitions: config.max_repetitions ?? 10, maxOidsPerGet: config.max_oids_per_get ?? 32 };
  const target = `${config.host}:${config.port ?? 161}`;
  let session: SnmpSession | undefined;
  let last: CollectReport | undefined;

  function open(): SnmpSession {
    const resolve = (ref: string | undefined, field: string) => {
      if (ref === undefined) return undefined;
      try {
        return context.secret(ref);
      } catch (error) {
        throw new CollectError('config', `SNMP ${target}: cannot resolve ${field} (${ref.split(':')[0]}:…)`, {
          cause: error,
        });
      }
    };
    const community = config.community;
    return openSession(config, {
      community:
        community !== undefined && /^(env|file):/.test(community) ? resolve(community, 'community') : community,
      authKey: resolve(config.v3?.auth_key, 'v3.auth_key'),
      privKey: resolve(config.v3?.priv_key, 'v3.priv_key'),
    });
  }

  async function choose(s: SnmpSession, signal: AbortSignal): Promise<Chosen> {
    const found = await detectProfiles(s, candidates, signal);
    if (found.profiles.length === 0)
      throw new CollectError('protocol', `SNMP ${target}: profiles auto: ${found.reason}. Name the profiles for it.`);
    context.log('info', `SNMP ${target}: profiles auto picked ${found.profiles.map((p) => p.name).join(', ')}`, {
      reason: found.reason,
    });
    return { ...found, plan: planReads(found.profiles) };
  }

  return {
    async collect(signal: AbortSignal): Promise<Sample[]> {
      session ??= open();
      const c = (chosen ??= await choose(session, signal));
      try {
        const { samples, produced, missing } = await readTarget(
          session,
          c.profiles,
          c.plan,
          fetchOptions,
          signal,
          (m, problems) => context.log('warn', m, { problems }),
        );
        last = { produced, missing, ...(c.reason !== undefined ? { detected: c.reason } : {}) };
        return samples;
      } catch (error) {
        if (auto) chosen = undefined;
        throw error;
      }
    },
    report(): CollectReport {
      return last ?? { produced: [], missing: [] };
    },
    async close(): Promise<void> {
      session?.close();
      session = undefined;
    },
  };
}
