/**
 * @module glibc's malloc arenas for the agent process: two, not one per thread up to eight per core.
 *
 * Why: besides the main thread, Node runs V8's worker threads (concurrent marking, compilation) and libuv's
 * pool, and glibc gives each thread that allocates its own arena, up to eight per core. Each arena keeps the
 * memory its thread freed for reuse by that thread alone, so on a 5,000-target agent four arenas held 27-29 MiB
 * besides the main one (24 MiB), about a tenth of its resident set. With two arenas (the main thread's and one
 * shared by the workers) malloc held 37-38 MiB in all against 52-53 MiB (smaps of side-by-side runs). The
 * setting is glibc's; other C libraries ignore it.
 */

/** Arenas the agent runs with unless the operator set MALLOC_ARENA_MAX. */
export const MALLOC_ARENAS = 2;

/** `env` with MALLOC_ARENA_MAX set for a process started with it, unless the operator set it. */
export function withMallocArenas(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.MALLOC_ARENA_MAX !== undefined) return env;
  return { ...env, MALLOC_ARENA_MAX: String(MALLOC_ARENAS) };
}
