/**
 * @module The hub part of `dims bench reports`: a running hub (embedded store) with a 900-center fleet's
 * records, filings and stored values, asked over HTTP for every province's monthly xlsx (and some PDFs),
 * timed at the client: what a bureau waits for when it downloads its report. The first round builds each
 * report; later rounds are the same reports again, which the hub sends from its cache of rendered reports.
 */
import path from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { stringify } from 'yaml';
import type { Catalog } from '../catalog/types.ts';
import type { RegistryIndex } from '../registry/load.ts';
import type { ParsedRecord } from '../model/records.ts';
import type { StoredValue } from '../storage/types.ts';
import type { ReportInputs } from '../report/inputs.ts';
import { periodWindow, shiftPeriod } from '../engine/periods.ts';
import { parseConfig } from '../hub/config.ts';
import { startHub } from '../hub/server.ts';
import { createToken } from '../hub/auth/tokens.ts';
import { closePdfEngine } from '../report/pdf.ts';

export interface HubReportTimes {
  /** Each province's report the first time it is asked (built from stored values). */
  xlsx: number[];
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

/** Starts a hub on the fleet's data and times report downloads over HTTP. */
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
  const registryFile = path.join(dir, 'registry.yaml');
  writeFileSync(registryFile, stringify({ centers: o.registry.centers }));
  const hub = await startHub(
    parseConfig(
      {
        registry: registryFile,
        listen: { port: 0 },
        state_db: path.join(dir, 'state.db'),
        storage: { kind: 'sqlite', path: path.join(dir, 'data.db') },
        engine: { enabled: false },
        limits: { requests_per_minute: 1_000_000 },
      },
      'bench-hub.yaml',
      dir,
    ),
    { log: () => {}, scheduler: false },
  );
  try {
    o.log(`reports: hub on ${hub.url}: writing ${o.records.length} records and 12 months of values`);
    await hub.ctx.storage.writeRecords(
      o.records.map((r) => ({ ...r, province: o.registry.byId.get(r.center)!.province })),
    );
    for (let i = 0; i < 13; i++) {
      const p = shiftPeriod('month', o.period, -i);
      await hub.ctx.storage.writeValues(await storedValues(o.inputs, o.catalog, o.registry, p));
    }
    const token = createToken(hub.ctx.state, 'nation').token;
    const get = async (p: string): Promise<number> => {
      const t = performance.now();
      const res = await fetch(`${hub.url}${p}`, { headers: { authorization: `Bearer ${token}` } });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`bench: GET ${p}: ${res.status} ${body.toString().slice(0, 300)}`);
      return performance.now() - t;
    };
    const provinces = o.catalog.provinces.map((p) => p.code).sort();
    const firstMs = await get(`/api/v1/reports/${provinces[0]}/${o.period}.xlsx?lang=${o.langs[0]}`);
    // Timed below as a first download like the others.
    hub.ctx.reports.cache.clear();
    const xlsx: number[] = [];
    for (const lang of o.langs)
      for (const p of provinces) xlsx.push(await get(`/api/v1/reports/${p}/${o.period}.xlsx?lang=${lang}`));
    const xlsxAgain: number[] = [];
    for (const p of provinces) xlsxAgain.push(await get(`/api/v1/reports/${p}/${o.period}.xlsx?lang=${o.langs[0]}`));
    // The first PDF starts the browser the hub keeps: timed apart from the rest.
    await get(`/api/v1/reports/${provinces[0]}/${o.period}.pdf`);
    const pdf: number[] = [];
    for (const p of provinces.slice(1, o.pdfs + 1)) pdf.push(await get(`/api/v1/reports/${p}/${o.period}.pdf`));
    const pdfAgain: number[] = [];
    for (const p of provinces.slice(1, o.pdfs + 1)) pdfAgain.push(await get(`/api/v1/reports/${p}/${o.period}.pdf`));
    return { xlsx, xlsxAgain, pdf, pdfAgain, firstMs };
  } finally {
    await hub.close();
    await closePdfEngine();
    rmSync(dir, { recursive: true, force: true });
  }
}
