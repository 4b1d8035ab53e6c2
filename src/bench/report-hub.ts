/**
 * @module The hub part of `dims bench reports`: a hub in its own process (embedded store) with a 900-center fleet's
 * records, filings and stored values, asked over HTTP for every province's monthly xlsx (and some PDFs),
 * timed at the client: what a bureau waits for when it downloads its report; and the hub's CPU time for each. The first round builds each
 * report; later rounds are the same reports again, which the hub sends from its cache of rendered reports.
 */
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Catalog } from '../catalog/types.ts';
import type { RegistryIndex } from '../registry/load.ts';
import type { ParsedRecord } from '../model/records.ts';
import type { StoredValue } from '../storage/types.ts';
import type { ReportInputs } from '../report/inputs.ts';
import { periodWindow, shiftPeriod } from '../model/periods.ts';
import { openStorage } from '../storage/open.ts';
import { StateDb } from '../hub/state-db.ts';
import { createToken } from '../hub/auth/tokens.ts';
import { cpuSeconds } from './proc.ts';

export interface HubReportTimes {
  /** Each province's report the first time it is asked (built from stored values). */
  xlsx: number[];
  /** The hub process's CPU time (all its threads) for each of those, in ms (10 ms resolution of /proc). */
  xlsxCpu: number[];
  /** The same reports asked again (sent from the hub's cache of rendered reports). */
  xlsxAgain: number[];
  pdf: number[];
  /** The same PDFs asked again (from the cache). */
  pdfAgain: number[];
  /** The first request after the hub started (nothing warmed). */
  firstMs: number;
}

/** Nearest-rank percentile. */
export function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Writes a period's values (every level) as the hub stores them after closing it. */
async function storedValues(
  inputs: ReportInputs,
  catalog: Catalog,
  registry: RegistryIndex,
  period: string,
): Promise<StoredValue[]> {
  const w = periodWindow('month', period);
  return (await inputs.values('month', period)).map((v) => ({
    ...v,
    period_kind: 'month',
    period,
    fromMs: w.fromMs,
    toMs: w.toMs,
    province: v.level === 'nation' ? '' : v.level === 'province' ? v.code : (registry.byId.get(v.code)?.province ?? ''),
    dimension: catalog.indicatorById.get(v.indicator)!.dimension,
    computedAtMs: w.toMs,
  }));
}

/** Starts a hub in a process of its own on the fleet's data and times report downloads over HTTP. */
export async function timeHubReports(o: {
  catalog: Catalog;
  registry: RegistryIndex;
  records: ParsedRecord[];
  inputs: ReportInputs;
  period: string;
  /** Each province's report is built once per language, then asked again in the first. */
  langs: Array<'zh' | 'en'>;
  pdfs: number;
  log: (s: string) => void;
}): Promise<HubReportTimes> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-bench-report-hub-'));
  let child: ChildProcess | undefined;
  try {
    const registryFile = path.join(dir, 'registry.yaml');
    writeFileSync(registryFile, stringify({ centers: o.registry.centers }));
    const storageConfig = { kind: 'sqlite' as const, path: path.join(dir, 'data.db') };
    o.log(`reports: writing ${o.records.length} records and 13 months of values for the hub`);
    const storage = await openStorage(storageConfig);
    try {
      await storage.writeRecords(o.records.map((r) => ({ ...r, province: o.registry.byId.get(r.center)!.province })));
      for (let i = 0; i < 13; i++) {
        const p = shiftPeriod('month', o.period, -i);
        await storage.writeValues(await storedValues(o.inputs, o.catalog, o.registry, p));
      }
    } finally {
      await storage.close();
    }
    const stateFile = path.join(dir, 'state.db');
    const state = new StateDb(stateFile);
    const token = createToken(state, 'nation').token;
    state.close();
    const hubConfig = path.join(dir, 'hub.yaml');
    writeFileSync(
      hubConfig,
      stringify({
        registry: registryFile,
        listen: { port: 0 },
        state_db: stateFile,
        storage: storageConfig,
        engine: { enabled: false },
        limits: { requests_per_minute: 1_000_000 },
      }),
    );
    const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
    const hub = spawn(process.execPath, [here('./report-hub-child.ts'), hubConfig], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = hub;
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: hub.stdout! }).on('line', (l) => {
        try {
          const m = JSON.parse(l) as { url?: string };
          if (m.url) resolve(m.url);
        } catch {
          // not one of the hub's lines
        }
      });
      hub.on('exit', (code) => reject(new Error(`bench: the report hub exited (${code}) before listening`)));
    });
    o.log(`reports: hub (pid ${hub.pid}) on ${url}`);
    const cpu: number[] = [];
    const get = async (p: string): Promise<number> => {
      const c0 = cpuSeconds(hub.pid!);
      const t = performance.now();
      const res = await fetch(`${url}${p}`, { headers: { authorization: `Bearer ${token}` } });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`bench: GET ${p}: ${res.status} ${body.toString().slice(0, 300)}`);
      const ms = performance.now() - t;
      cpu.push((cpuSeconds(hub.pid!) - c0) * 1000);
      return ms;
    };
    const provinces = o.catalog.provinces.map((p) => p.code).sort();
    // The first request loads the report code: the national report, which no timed request asks for.
    const firstMs = await get(`/api/v1/reports/nation/${o.period}.xlsx?lang=${o.langs[0]}`);
    cpu.length = 0;
    const xlsx: number[] = [];
    for (const lang of o.langs)
      for (const p of provinces) xlsx.push(await get(`/api/v1/reports/${p}/${o.period}.xlsx?lang=${lang}`));
    const xlsxCpu = cpu.splice(0);
    const xlsxAgain: number[] = [];
    for (const p of provinces) xlsxAgain.push(await get(`/api/v1/reports/${p}/${o.period}.xlsx?lang=${o.langs[0]}`));
    // The first PDF starts the browser the hub keeps: timed apart from the rest.
    await get(`/api/v1/reports/${provinces[0]}/${o.period}.pdf`);
    cpu.length = 0;
    const pdf: number[] = [];
    for (const p of provinces.slice(1, o.pdfs + 1)) pdf.push(await get(`/api/v1/reports/${p}/${o.period}.pdf`));
    const pdfAgain: number[] = [];
    for (const p of provinces.slice(1, o.pdfs + 1)) pdfAgain.push(await get(`/api/v1/reports/${p}/${o.period}.pdf`));
    return { xlsx, xlsxCpu, xlsxAgain, pdf, pdfAgain, firstMs };
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
