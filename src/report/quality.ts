/**
 * @module The data-quality stage: which expected centers did not report, reported late, had collector
 * downtime or lacked filings, per center and counted per province.
 */
import type { Catalog, Province } from '../catalog/types.ts';
import type { Center } from '../model/centers.ts';
import type { FiledDeclaration, LastTelemetry } from './inputs.ts';
import type { CenterQuality, ProvinceQuality, QualityIssue } from './types.ts';
import type { Resolved } from './request.ts';
import { key, type ReportValues } from './values.ts';

const HOUR = 3_600_000;

export interface QualityResult {
  centers: CenterQuality[];
  provinces: ProvinceQuality[];
  expected: number;
  reported: number;
}

/** The raw metrics each center filed for the window: deltas must cover it; a snapshot filed earlier stands. */
export function filedMetrics(
  catalog: Catalog,
  filings: FiledDeclaration[],
  window: { fromMs: number; toMs: number },
): Map<string, Set<string>> {
  const filedBy = new Map<string, Set<string>>();
  for (const f of filings) {
    if (f.startMs >= window.toMs) continue;
    const set = filedBy.get(f.center) ?? new Set<string>();
    const overlaps = f.endMs > window.fromMs;
    for (const id of f.metrics) if (overlaps || catalog.metricById.get(id)?.kind === 'snapshot') set.add(id);
    filedBy.set(f.center, set);
  }
  return filedBy;
}

/** One center's reporting facts: whether it was expected and reported, and its issues. */
export function centerQuality(
  c: Center,
  r: Resolved,
  values: ReportValues,
  ctx: { firstIndicator: string; stats?: LastTelemetry; filed?: Set<string>; required?: string[]; graceMs: number },
): { expected: boolean; reported: boolean; quality: CenterQuality } {
  const any = values.cur.get(key('center', c.id, ctx.firstIndicator));
  const s = ctx.stats;
  const expected = any ? any.coverage.centers !== null : (c.status ?? 'operating') === 'operating';
  const reported = any ? any.coverage.centers === 1 : s !== undefined;
  const hours = (r.window.toMs - r.window.fromMs) / HOUR;
  const issues: QualityIssue[] = [];
  const timeCov = reported ? (any?.coverage.it_energy ?? null) : 0;
  let downtime: number | null = null;
  const missing = new Set<string>();
  if (!reported) issues.push('not_reported');
  else {
    if (r.closed && s && s.lastEndMs < r.window.toMs - ctx.graceMs) issues.push('late');
    if (timeCov !== null) {
      const h = Math.round((1 - timeCov) * hours * 100) / 100;
      downtime = h;
      if (h >= 0.01) issues.push('downtime');
    }
    if (ctx.required) for (const m of ctx.required) if (!ctx.filed?.has(m)) missing.add(m);
    if (missing.size > 0) issues.push('declaration_missing');
  }
  return {
    expected,
    reported,
    quality: {
      center: c.id,
      name: c.name,
      province: c.province,
      issues,
      time_coverage: timeCov,
      downtime_hours: reported ? downtime : Math.round(hours * 100) / 100,
      last_data: s ? new Date(s.lastEndMs).toISOString() : null,
      declarations_missing: [...missing].sort(),
    },
  };
}

/** Data quality of the centers in scope, and per province (the national report lists every province). */
export function dataQuality(
  catalog: Catalog,
  provinces: Province[],
  centers: Center[],
  r: Resolved,
  values: ReportValues,
  opts: { firstIndicator: string; lateGraceMs?: number },
): QualityResult {
  const statsBy = new Map<string, LastTelemetry>(values.stats.map((s) => [s.center, s]));
  const required = values.filings
    ? catalog.metrics.filter((m) => m.source === 'declaration').map((m) => m.id)
    : undefined;
  const filedBy = filedMetrics(catalog, values.filings ?? [], r.window);
  const perProvince = new Map<string, ProvinceQuality>(
    provinces.map((p) => [
      p.code,
      {
        province: p.code,
        name: p[r.lang],
        centers_expected: 0,
        centers_reported: 0,
        not_reported: 0,
        late: 0,
        downtime: 0,
        declaration_missing: 0,
      },
    ]),
  );
  const out: QualityResult = { centers: [], provinces: [], expected: 0, reported: 0 };
  for (const c of centers) {
    const stats = statsBy.get(c.id);
    const filed = filedBy.get(c.id);
    const q = centerQuality(c, r, values, {
      firstIndicator: opts.firstIndicator,
      graceMs: opts.lateGraceMs ?? HOUR,
      ...(stats ? { stats } : {}),
      ...(filed ? { filed } : {}),
      ...(required ? { required } : {}),
    });
    if (!q.expected) continue;
    const pq = perProvince.get(c.province);
    out.expected++;
    if (pq) pq.centers_expected++;
    if (q.reported) {
      out.reported++;
      if (pq) pq.centers_reported++;
    }
    if (pq) for (const i of q.quality.issues) pq[i]++;
    if (q.quality.issues.length > 0) out.centers.push(q.quality);
  }
  out.provinces = r.isNation ? [...perProvince.values()] : [];
  return out;
}
