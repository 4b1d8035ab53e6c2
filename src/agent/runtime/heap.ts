/**
 * @module The agent process's V8 heap: limits sized from the number of targets, and a clear log line when the
 * live heap comes near its limit instead of a silent out-of-memory crash.
 *
 * Why limits at all: with V8's defaults on a machine with many GiB, the old generation may grow to 4 GiB and the
 * young generation to 3 × 64 MiB before V8 bothers to compact; an agent whose live heap is tens of MiB then sits
 * at several hundred MiB of mostly garbage. Sized limits make V8 collect sooner, as a production Node service is
 * run (README "Memory").
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { withCompileCache } from './compile-cache.ts';
import { withMallocArenas } from './malloc-arenas.ts';

/**
 * Old generation for an agent with no targets (MiB). Beyond the live heap (code, chip table, outbox, metrics:
 * about 30 MiB) it must leave room for a whole young generation's promotion: when it cannot, V8 runs a full
 * collection before every young one ("scavenge might not succeed"), which cost 500 exporters every 10 s two to
 * three times the CPU per scrape with a 74 MiB old space and 32 MiB semi-spaces. The agent's peak resident set
 * is this limit plus what lives outside the heap (the node binary's pages, sockets, SQLite): V8 lets the old
 * generation fill to it during a round before it compacts. 86 MiB leaves a 500-exporter agent (about 40 MiB
 * live) its full collections at twice the live heap as before, and a 5,000-target agent (about 80 MiB live after
 * a full collection) 46 MiB of room.
 */
export const HEAP_BASE_MIB = 86;
/**
 * Old generation per target: its reading store, collector state and requests in flight (KiB). At 5,000 targets
 * about 65 MiB were live after a full collection between rounds.
 */
export const HEAP_PER_TARGET_KIB = 8;
/**
 * Young generation semi-space (MiB; the young generation is about three). V8's default grows to 64 MiB on a
 * large machine, which alone made a third of the agent's resident memory at 5,000 targets. Smaller ones cost
 * bursty exporter scrapes CPU against V8's default (about 30 % more per scrape at 16 MiB); 8 and 16 MiB cost
 * the same within noise (500 exporters every 10 s, side by side), and 8 MiB leaves the old generation's room.
 */
export const SEMI_SPACE_MIB = 8;

/**
 * How far the old generation may grow past the live heap before V8 starts a full collection (percent). V8 picks
 * this itself from the old-space limit: below 256 MiB it assumes a small device and grows by only 30 %, so an
 * agent with 40 MiB live ran a full collection every two seconds under bursty exporter scrapes, a quarter of its
 * CPU per scrape. Twice the live heap, capped by the limit above, keeps memory bounded and collections rare.
 */
export const HEAP_GROWING_PERCENT = 100;

/** Share of the limit the live heap (after a full collection) may reach before the agent says so. */
const WARN_SHARE = 0.85;

/** The old-generation limit for `targets` targets (MiB). */
export function oldSpaceMiB(targets: number): number {
  return HEAP_BASE_MIB + Math.ceil((targets * HEAP_PER_TARGET_KIB) / 1024);
}

/** The V8 flags `dims agent` runs with for `targets` targets (the benchmark starts its agent with the same). */
export function agentHeapFlags(targets: number): string[] {
  return [
    `--max-old-space-size=${oldSpaceMiB(targets)}`,
    `--max-semi-space-size=${SEMI_SPACE_MIB}`,
    `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
  ];
}

/** The old-space limit (MiB) the process was started with in its flags or NODE_OPTIONS, if any. */
export function configuredOldSpaceMiB(execArgv: readonly string[], nodeOptions = ''): number | undefined {
  return flagMiB('old', execArgv, nodeOptions);
}

/** The semi-space size (MiB) the process was started with, if any. */
export function configuredSemiSpaceMiB(execArgv: readonly string[], nodeOptions = ''): number | undefined {
  return flagMiB('semi', execArgv, nodeOptions);
}

function flagMiB(space: 'old' | 'semi', execArgv: readonly string[], nodeOptions: string): number | undefined {
  const re = new RegExp(`^--max[-_]${space}[-_]space[-_]size=(\\d+)$`);
  let found: number | undefined;
  for (const a of [...nodeOptions.split(/\s+/), ...execArgv]) {
    const m = re.exec(a);
    if (m) found = Number(m[1]);
  }
  return found;
}

export type HeapLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

/**
 * After every full garbage collection, compares the live heap with the process's heap limit and logs once
 * (again only after it has dropped back) when it passes 85 %: the agent is about to run out of memory, and the
 * line says which flag to raise. Returns a function that stops watching.
 */
export function watchHeap(targets: number, log: HeapLog): () => void {
  let warned = false;
  const semiMiB = configuredSemiSpaceMiB(process.execArgv, process.env.NODE_OPTIONS) ?? 0;
  const mib = (b: number) => Math.round(b / 1048576);
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      const { used_heap_size: used, heap_size_limit: total } = getHeapStatistics();
      // The old generation is what runs out: V8's limit counts the young generation (three semi-spaces) too.
      const limit = total - 3 * semiMiB * 1048576;
      const over = used > WARN_SHARE * limit;
      if (over && !warned)
        log(
          'error',
          `the heap holds ${mib(used)} MiB after a full collection, ${Math.round((100 * used) / limit)} % of its ` +
            `${mib(limit)} MiB limit, with ${targets} targets: the agent will run out of memory. Start it with a ` +
            `larger --max-old-space-size (dims agent sizes it as ${HEAP_BASE_MIB} MiB + ${HEAP_PER_TARGET_KIB} KiB ` +
            `per target unless NODE_OPTIONS or the node command line sets it; src/agent/README.md, "Memory")`,
          { heap_used_mib: mib(used), heap_limit_mib: mib(limit), targets },
        );
      if (!over && warned) log('info', `the heap is back to ${mib(used)} MiB of its ${mib(limit)} MiB limit`);
      warned = over;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  return () => obs.disconnect();
}

/**
 * The environment an agent process runs in: `env` with Node's compile cache (`compile-cache.ts`) and two malloc
 * arenas (`malloc-arenas.ts`), each unless the operator set it. The benchmark starts its agents with it too.
 */
export function agentProcessEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return withMallocArenas(withCompileCache(env));
}

/**
 * Replaces this process (same pid, same arguments and environment: systemd and container runtimes see no
 * change) with one started under `agentHeapFlags(targets)` and `agentProcessEnv`, unless the heap limit is
 * already set on the node command line or in NODE_OPTIONS (an operator's own choice is kept), or the platform
 * cannot execve.
 */
export function relaunchWithHeapLimits(targets: number): void {
  if (configuredOldSpaceMiB(process.execArgv, process.env.NODE_OPTIONS) !== undefined) return;
  if (typeof process.execve !== 'function' || process.platform === 'win32') return;
  process.execve(
    process.execPath,
    [process.execPath, ...process.execArgv, ...agentHeapFlags(targets), ...process.argv.slice(1)],
    agentProcessEnv(process.env),
  );
}

/** Logs the heap limit at start, and warns when it is below what `targets` targets are sized for. */
export function logHeapLimit(targets: number, log: HeapLog): void {
  const limit = Math.round(getHeapStatistics().heap_size_limit / 1048576);
  const set = configuredOldSpaceMiB(process.execArgv, process.env.NODE_OPTIONS);
  const sized = oldSpaceMiB(targets);
  if (set !== undefined && set < sized)
    log(
      'warn',
      `--max-old-space-size=${set} is below the ${sized} MiB dims sizes for ${targets} targets: expect frequent ` +
        `garbage collection, and an out-of-memory exit if the live heap outgrows it (src/agent/README.md, "Memory")`,
      { heap_limit_mib: limit, targets },
    );
  else log('info', `heap limit ${limit} MiB for ${targets} targets`, { heap_limit_mib: limit, targets });
}
