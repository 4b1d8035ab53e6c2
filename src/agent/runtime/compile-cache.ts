/**
 * @module Node's compile cache for the agent process, so a started agent does not hold the TypeScript stripper.
 *
 * Why: dims runs its `.ts` sources directly, and Node strips their types with a WebAssembly build of SWC that
 * stays loaded for the life of the process once used: its source, code and memory were about 17 MiB of a
 * 5,000-target agent's resident set (a third of what it held before its first read). With the compile cache
 * Node keeps each module's stripped and compiled form on disk, and a start that finds them all there never loads
 * the stripper. The first start after an install or upgrade fills the cache (the files' contents are checked,
 * so a changed file is stripped again). The cache is keyed on V8 flags other than the heap limit, so agents of
 * every size share it.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * `env` with Node's compile cache turned on for a process started with it: unchanged when the operator chose
 * (NODE_COMPILE_CACHE names a directory, e.g. a persistent one under /var/cache for a service whose /tmp is
 * private; NODE_DISABLE_COMPILE_CACHE=1 turns it off), otherwise Node's own default directory.
 */
export function withCompileCache(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.NODE_COMPILE_CACHE !== undefined || env.NODE_DISABLE_COMPILE_CACHE !== undefined) return env;
  return { ...env, NODE_COMPILE_CACHE: path.join(tmpdir(), 'node-compile-cache') };
}
