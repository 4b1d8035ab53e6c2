/**
 * @module Reads targets once and says what came back: every reading with its unit and the profile that made
 * it, what the profile expected and did not get, and how profile: auto chose. `dims probe` and
 * `dims agent --once` print it; nothing is stored or sent.
 */
import { CollectError, type CollectReport, type Sample } from '../../../collectors/types.ts';
import type { PluginMap } from '../config/plugins.ts';
import { redact, resolveSecret } from '../config/secrets.ts';

/** One target to probe: its protocol options as an agent target's `config` holds them. */
export interface ProbeTarget {
  id: string;
  protocol: string;
  config: unknown;
  timeoutMs: number;
}

/** A sample with the profile that produced it (when the collector says). */
export interface ProbedSample extends Sample {
  profile?: string;
}

/** What one target gave. */
export interface ProbeResult {
  id: string;
  protocol: string;
  ok: boolean;
  durationMs: number;
  samples: ProbedSample[];
  report?: CollectReport;
  error?: { kind: string; message: string };
}

/** Tags each sample with its profile from the report's per-profile counts (samples come in profile order). */
function attribute(samples: Sample[], report: CollectReport | undefined): ProbedSample[] {
  const names: string[] = [];
  for (const p of report?.produced ?? []) for (let i = 0; i < p.samples; i++) names.push(p.profile);
  if (names.length !== samples.length) return samples;
  return samples.map((s, i) => ({ ...s, profile: names[i]! }));
}

/**
 * Reads each target once, one after another, each within its own deadline. Secrets are references
 * resolved from `baseDir`; their values never appear in the result (error messages are redacted).
 */
export async function probeTargets(
  targets: readonly ProbeTarget[],
  plugins: PluginMap,
  baseDir: string,
  log: (level: string, message: string) => void = () => {},
): Promise<ProbeResult[]> {
  const out: ProbeResult[] = [];
  for (const t of targets) {
    const secrets: string[] = [];
    const secret = (ref: string) => {
      const v = resolveSecret(ref, baseDir);
      secrets.push(v);
      return v;
    };
    const t0 = performance.now();
    const base = { id: t.id, protocol: t.protocol };
    let collector;
    try {
      collector = plugins[t.protocol]!.create(t.config, { secret, log: (level, m) => log(level, `${t.id}: ${m}`) });
      const samples = await collector.collect(AbortSignal.timeout(t.timeoutMs));
      const report = collector.report?.();
      out.push({
        ...base,
        ok: true,
        durationMs: performance.now() - t0,
        samples: attribute(samples, report),
        ...(report !== undefined ? { report } : {}),
      });
    } catch (err) {
      const kind = err instanceof CollectError ? err.kind : 'protocol';
      const message = redact(err instanceof Error ? err.message : String(err), secrets);
      out.push({ ...base, ok: false, durationMs: performance.now() - t0, samples: [], error: { kind, message } });
    } finally {
      await collector?.close().catch(() => {});
    }
  }
  return out;
}
