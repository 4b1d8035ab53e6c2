/**
 * @module The hub benchmark's Prometheus: scrapes the hub's /metrics every 15 s of wall time while the hub runs,
 * as the Prometheus of a deployment does, so the hub's figures include what a scrape costs it (at 10,000
 * centers the exposition holds 600,000 indicator series).
 */

export interface Scrapes {
  count: number;
  /** Each scrape's time from request to the last byte. */
  ms: number[];
  /** Size of the last scrape's text. */
  bytes: number;
  failed: number;
}

/** Scrapes `url`/metrics every `everyMs` until stopped; stop() waits for a scrape under way. */
export function startScraper(url: string, everyMs = 15_000): { stop: () => Promise<Scrapes> } {
  const out: Scrapes = { count: 0, ms: [], bytes: 0, failed: 0 };
  let current: Promise<void> = Promise.resolve();
  const scrape = async () => {
    const t0 = performance.now();
    try {
      const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(everyMs) });
      const body = await res.arrayBuffer();
      if (!res.ok) throw new Error(`status ${res.status}`);
      out.bytes = body.byteLength;
      out.ms.push(performance.now() - t0);
      out.count++;
    } catch {
      out.failed++;
    }
  };
  const timer = setInterval(() => {
    current = current.then(scrape);
  }, everyMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await current;
      return out;
    },
  };
}
