/**
 * @module Where the agent's memory goes: V8's sampling heap profiler over a benchmark run, summarised by
 * allocation site and by source file, beside process.memoryUsage() and V8's heap spaces. Enabled in the
 * agent child by DIMS_BENCH_HEAP_PROFILE=<file>; the summary is written there when the run reports.
 * DIMS_BENCH_HEAP_PROFILE_ALLOCATED=1 counts every allocation since the start, garbage included (what makes
 * the old generation grow between compactions), rather than what is still live.
 */
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/**
 * Starts sampling (one sample per 32 KiB allocated); the returned function writes the summary to `file`.
 * With `allocated`, objects the GC has since collected stay in the profile.
 */
export async function startHeapProfile(file: string, allocated = false): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 32 * 1024,
    includeObjectsCollectedByMajorGC: allocated,
    includeObjectsCollectedByMinorGC: allocated,
  });
  return async () => {
    const { profile } = (await session.post('HeapProfiler.getSamplingProfile')) as { profile: { head: ProfileNode } };
    const bySite = new Map<string, number>();
    const byFile = new Map<string, number>();
    // Attribute each live sample to the innermost frame in project code (else the innermost frame).
    const walk = (n: ProfileNode, projectFrame: string | undefined, projectFile: string | undefined) => {
      const url = n.callFrame.url.replace(/^file:\/\//, '');
      const own = url.includes('/node_modules/') || !url.includes('/') ? undefined : url;
      const site = own
        ? `${n.callFrame.functionName || '(anonymous)'} ${short(url)}:${n.callFrame.lineNumber + 1}`
        : projectFrame;
      const fileKey = own
        ? short(url)
        : url.includes('/node_modules/')
          ? short(url).split('/').slice(0, 3).join('/')
          : projectFile;
      if (n.selfSize > 0) {
        const key = site ?? `${n.callFrame.functionName || '(native)'} ${short(url) || '(native)'}`;
        bySite.set(key, (bySite.get(key) ?? 0) + n.selfSize);
        const fk = fileKey ?? '(native)';
        byFile.set(fk, (byFile.get(fk) ?? 0) + n.selfSize);
      }
      for (const c of n.children) walk(c, site, fileKey);
    };
    walk(profile.head, undefined, undefined);
    const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
    const top = (m: Map<string, number>, k: number) =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, k)
        .map(([name, b]) => `  ${mib(b).padStart(10)}  ${name}`);
    const total = [...bySite.values()].reduce((a, b) => a + b, 0);
    const mem = process.memoryUsage();
    writeFileSync(
      file,
      [
        `process.memoryUsage: rss ${mib(mem.rss)}, heapTotal ${mib(mem.heapTotal)}, heapUsed ${mib(mem.heapUsed)}, external ${mib(mem.external)}, arrayBuffers ${mib(mem.arrayBuffers)}`,
        `V8 heap spaces (used / size): ${getHeapSpaceStatistics()
          .map((s) => `${s.space_name} ${mib(s.space_used_size)} / ${mib(s.space_size)}`)
          .join(', ')}`,
        `${allocated ? 'allocated since the start (garbage included)' : 'live sampled allocations'}: ${mib(total)}`,
        'by source file:',
        ...top(byFile, 25),
        'by allocation site (innermost project frame):',
        ...top(bySite, 40),
        '',
      ].join('\n'),
    );
    await session.post('HeapProfiler.stopSampling');
    session.disconnect();
  };
}

function short(url: string): string {
  const i = url.indexOf('/node_modules/');
  if (i >= 0) return url.slice(i + 1);
  const m = /\/(src|collectors)\//.exec(url);
  return m ? url.slice(m.index + 1) : url;
}
