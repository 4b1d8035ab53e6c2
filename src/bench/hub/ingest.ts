/**
 * @module Benchmark `ingest`: center records per second through POST /api/v1/records (validation, permission,
 * storage write into InfluxDB, dirty marks) vs. the floor measured in the same run: the same points
 * written straight to InfluxDB's /write as pre-encoded line protocol, in the same batch sizes and
 * concurrency. Goal: ≥ 0.8× floor.
 *
 * The hub runs as its own process (`dims hub --config …`), as deployed, so its CPU is not shared
 * with this process's load generator. Both sides' bodies are encoded to bytes before the clock starts
 * and posted with the same node:http client: on a two-core host the load generator's own CPU competes
 * with the servers, and fetch spent several µs per record (more for the larger line-protocol bodies).
 */
import path from 'node:path';
import { rmSync } from 'node:fs';
import { median, type BenchResult } from '../table.ts';
import { encodeRecords } from '../../storage/line-protocol.ts';
import type { StoredRecord } from '../../storage/types.ts';
import type { CenterRecord } from '../../model/records.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { StateDb } from '../../hub/state-db.ts';
import { createToken } from '../../hub/auth/tokens.ts';
import { center, telemetry } from '../../hub/test-support.ts';
import { startInfluxd, freePort } from '../../../tests/support/influxd.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { stringify } from 'yaml';
import { cpuSeconds } from '../proc.ts';

export interface IngestBenchOptions {
  log?: (s: string) => void;
  centers?: number;
  minutes?: number;
  batch?: number;
  concurrency?: number;
  runs?: number;
}

/** Runs `jobs` with at most `n` in flight. */
async function pool<T>(jobs: Array<() => Promise<T>>, n: number): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < jobs.length) await jobs[i++]!();
    }),
  );
}

/** POSTs a pre-encoded body; resolves with the status and the answer's text. */
function post(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function benchIngest(o: IngestBenchOptions = {}): Promise<BenchResult> {
  const log = o.log ?? (() => {});
  // 60,000 records per pass: long enough (about a second) that one InfluxDB cache snapshot or
  // compaction does not decide a pass; shorter passes swung the ratio between 0.56 and 0.86.
  const nCenters = o.centers ?? 1000;
  const minutes = o.minutes ?? 60;
  const batch = o.batch ?? 1000;
  const conc = o.concurrency ?? 4;
  const runs = o.runs ?? 10;
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-bench-ingest-'));
  const influx = await startInfluxd({ database: 'dims_bench' });
  const nRecords = nCenters * minutes;
  const nproc = availableParallelism();
  const centers = Array.from({ length: nCenters }, (_, i) => center(`c-${String(i).padStart(5, '0')}`, '52'));
  const registry = path.join(dir, 'registry.yaml');
  writeFileSync(registry, stringify({ centers }));
  const port = await freePort();
  const stateDb = path.join(dir, 'state.db');
  const configFile = path.join(dir, 'hub.yaml');
  writeFileSync(
    configFile,
    stringify({
      registry,
      listen: { host: '127.0.0.1', port },
      state_db: stateDb,
      engine: { enabled: false },
      limits: { requests_per_minute: 1_000_000 },
      storage: { kind: 'influxdb', url: influx.url, database: 'dims_bench' },
    }),
  );
  const state = new StateDb(stateDb);
  const token = createToken(state, 'federate:52').token;
  state.close();
  const main = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [main, 'hub', '--config', configFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const hub = { url: `http://127.0.0.1:${port}` };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the hub exited (${child.exitCode}): ${stderr}`);
    const ok = await fetch(`${hub.url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (i > 300) throw new Error(`the hub did not become ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    const hubRate: number[] = [];
    const floorRate: number[] = [];
    // CPU seconds of each process per measured pass, read from /proc (where the time goes on a shared host).
    const cpu = () => ({
      hub: cpuSeconds(child.pid!),
      influx: cpuSeconds(influx.pid!),
      client: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
    });
    const hubCpu = { hub: [] as number[], influx: [] as number[], client: [] as number[] };
    const floorCpu = { influx: [] as number[], client: [] as number[] };
    // Waits (at most 5 s) until influxd has used under 10% of a core for 200 ms: the cache snapshots
    // and compactions a pass starts are then not billed to the next pass, which may be the other side's.
    const quiet = async () => {
      for (let i = 0, last = cpuSeconds(influx.pid!); i < 25; i++) {
        await new Promise((r) => setTimeout(r, 200));
        const now = cpuSeconds(influx.pid!);
        if (now - last < 0.02) return;
        last = now;
      }
    };
    // A Thursday: InfluxDB's week-long shard groups start on Thursdays (the epoch's weekday).
    const base = Date.parse('2026-10-01T00:00:00Z');
    // Run 0 warms both paths up (JIT, InfluxDB shard creation) and is not counted.
    for (let run = 0; run <= runs; run++) {
      // Fresh timestamps per run so neither side is measured overwriting the previous run's points.
      const t0 = base + run * 86_400_000;
      const records: CenterRecord[] = [];
      for (let m = 0; m < minutes; m++)
        for (const c of centers) records.push(telemetry(c.id, t0 + m * 60_000, 1 + (m % 5) / 10));
      const batches: CenterRecord[][] = [];
      for (let i = 0; i < records.length; i += batch) batches.push(records.slice(i, i + batch));
      const bodies = batches.map((b) => Buffer.from(JSON.stringify({ records: b })));

      const viaHub = async () => {
        await quiet();
        const c0 = cpu();
        const t = performance.now();
        await pool(
          bodies.map((body) => async () => {
            const res = await post(
              `${hub.url}/api/v1/records`,
              { authorization: `Bearer ${token}`, 'content-type': 'application/json', prefer: 'return=minimal' },
              body,
            );
            if (res.status !== 200) throw new Error(`hub answered ${res.status}: ${res.text.slice(0, 300)}`);
          }),
          conc,
        );
        const rate = records.length / ((performance.now() - t) / 1000);
        const c1 = cpu();
        if (run > 0) {
          hubCpu.hub.push(c1.hub - c0.hub);
          hubCpu.influx.push(c1.influx - c0.influx);
          hubCpu.client.push(c1.client - c0.client);
        }
        return rate;
      };

      // The floor: the same points, already encoded, posted to /write, six weeks later so they are new
      // points. Whole weeks keep both sides' runs inside one shard group each (raw's shards are a week
      // long), created by the unmeasured run 0: with a 40-day shift the floor's third run paid for a new
      // shard and its 1,000 new series alone, and was the slowest pass of the floor every time.
      const shift = 42 * 86_400_000;
      const lines = batches.map((b) =>
        Buffer.from(
          encodeRecords(
            b.map((r): StoredRecord => ({
              center: r.center,
              startMs: Date.parse(r.start) + shift,
              endMs: Date.parse(r.end) + shift,
              source: 'telemetry',
              province: '52',
              metrics: r.metrics as Record<string, number>,
            })),
          ),
        ),
      );
      const direct = async () => {
        await quiet();
        const c0 = cpu();
        const t = performance.now();
        await pool(
          lines.map((body) => async () => {
            const res = await post(`${influx.url}/write?db=dims_bench&rp=raw&precision=ms`, {}, body);
            if (res.status !== 204) throw new Error(`influxd answered ${res.status}: ${res.text.slice(0, 300)}`);
          }),
          conc,
        );
        const rate = records.length / ((performance.now() - t) / 1000);
        const c1 = cpu();
        if (run > 0) {
          floorCpu.influx.push(c1.influx - c0.influx);
          floorCpu.client.push(c1.client - c0.client);
        }
        return rate;
      };
      // Alternate which side goes first, so InfluxDB's background work (WAL flushes, compactions) falls on both.
      let hr: number;
      let fr: number;
      if (run % 2 === 0) {
        hr = await viaHub();
        fr = await direct();
      } else {
        fr = await direct();
        hr = await viaHub();
      }
      if (run === 0) continue;
      hubRate.push(hr);
      floorRate.push(fr);
      log(`ingest run ${run}/${runs}: hub ${Math.round(hr)} rec/s, floor ${Math.round(fr)} rec/s`);
    }
    const h = median(hubRate);
    const f = median(floorRate);
    const perRecord = (secs: number[]) => (secs.reduce((a, b) => a + b, 0) / (secs.length * nRecords)) * 1e6;
    const us = (x: number) => `${x.toFixed(1)} µs`;
    const result: BenchResult = {
      name: 'ingest',
      description:
        `${nCenters} centers × ${minutes} one-minute records, batches of ${batch}, ${conc} concurrent requests, ` +
        `median of ${runs} runs, InfluxDB ${influx.url}`,
      figures: [
        {
          metric: 'records/s through POST /api/v1/records',
          value: h,
          unit: 'records/s',
          baseline: f,
          baselineLabel: 'line protocol to /write',
          ratio: h / f,
          goal: '≥ 0.8× floor',
          met: h / f >= 0.8,
        },
      ],
      notes: [
        'floor: the same points pre-encoded as line protocol, same batch size and concurrency, same run; both ' +
          'sides posted as pre-encoded bytes by the same node:http client',
        `CPU per record through the hub: hub ${us(perRecord(hubCpu.hub))}, influxd ${us(perRecord(hubCpu.influx))}, ` +
          `load generator ${us(perRecord(hubCpu.client))}; ` +
          `floor: influxd ${us(perRecord(floorCpu.influx))}, load generator ${us(perRecord(floorCpu.client))} (/proc, ${nproc} cores)`,
      ],
    };
    return result;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    await influx.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
