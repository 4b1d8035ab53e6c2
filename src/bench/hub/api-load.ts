/**
 * @module Load generator for the `api` benchmark, run as a child process so the load does not share the
 * hub's event loop: a fixed number of requests per path with a fixed concurrency; prints latencies (ms) as JSON.
 *
 * Usage: node api-load.ts '{"url":"…","token":"…","paths":["/api/v1/…"],"concurrency":8,"requests":400}'
 */
const spec = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  token: string;
  paths: string[];
  concurrency: number;
  requests: number;
};
const out: Record<string, number[]> = {};
for (const p of spec.paths) {
  const lat: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (next < spec.requests) {
        next++;
        const t = performance.now();
        const res = await fetch(spec.url + p, { headers: { authorization: `Bearer ${spec.token}` } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
        lat.push(performance.now() - t);
      }
    }),
  );
  out[p] = lat;
}
process.stdout.write(JSON.stringify(out));
