/**
 * @module A report as one printable HTML document (the PDF's source): the cover with the statistical
 * form's header, the charts, the summary, the breakdown one dimension per table, the changes (center
 * report), data quality and definitions. A4; wide tables on landscape pages (CSS named pages).
 */
import type { Lang } from '../catalog/docs.ts';
import type { Cell, ReportModel, SummaryRow, TargetState } from './types.ts';
import { chartSvg, reportCharts } from './charts.ts';
import { changeText } from './changes.ts';
import { localTime } from './local-time.ts';
import { dataStatus } from './status.ts';
import { ISSUES, REASONS, STATUS, t, word, type LabelKey } from './text.ts';
import { reportTitle } from './title.ts';
import { byDimension } from './breakdown.ts';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Decimal places by unit, as the xlsx number formats have them. */
function places(unit: string): number {
  if (unit === 'count' || unit === 'racks') return 0;
  if (unit === '%' || unit === 'pp') return 1;
  if (unit === 'ratio' || unit === 'L/kWh' || unit === 'kgCO2/kWh') return 3;
  if (unit === 'EB' || unit === 'EFLOPS') return 4;
  return 2;
}

/** Number formats by language and places, made once (toLocaleString makes one per call: most of a table's time). */
const numberFormats = new Map<string, Intl.NumberFormat>();

function num(v: number | null, unit: string, lang: Lang): string {
  if (v === null) return '';
  const p = places(unit);
  const key = `${lang}/${p}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US', {
      minimumFractionDigits: p,
      maximumFractionDigits: p,
    });
    numberFormats.set(key, f);
  }
  return f.format(v);
}

function pct(v: number | null): string {
  return v === null ? '' : `${v > 0 ? '+' : ''}${v.toFixed(1)}%`;
}

function share(v: number | null): string {
  return v === null ? '' : `${(v * 100).toFixed(1)}%`;
}

const cls = (s: TargetState) => (s === 'met' ? 'met' : s === 'missed' ? 'missed' : '');

/** A CSS string literal. */
const cssString = (v: string) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, ' ')}"`;

/**
 * The page's margin boxes: title and period at the top, "第 N 页 共 M 页" at the foot (CSS paged media,
 * drawn by Chromium with the page's own fonts and scale).
 */
function marginBoxes(m: ReportModel): string {
  const box = 'font-family: "Noto Sans CJK SC", sans-serif; font-size: 8pt; color: #555;';
  const footer = t('page_footer', m.lang, { page: '{page}', pages: '{pages}' })
    .split(/(\{pages?\})/)
    .map((part) => (part === '{page}' ? 'counter(page)' : part === '{pages}' ? 'counter(pages)' : cssString(part)))
    .filter((part) => part !== '""')
    .join(' ');
  return `@top-left { content: ${cssString(reportTitle(m))}; ${box} }
  @top-right { content: ${cssString(m.period.name)}; ${box} }
  @bottom-center { content: ${footer}; ${box} }`;
}

function pageCss(m: ReportModel): string {
  const boxes = marginBoxes(m);
  return `@page { size: A4 portrait; margin: 16mm 12mm 14mm 12mm; ${boxes} }
@page wide { size: A4 landscape; margin: 16mm 10mm 14mm 10mm; ${boxes} }`;
}

const CSS = `
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans", sans-serif; font-size: 9pt; color: #222; margin: 0; }
section { break-before: page; }
section.first { break-before: auto; }
section.wide { page: wide; }
h1 { font-size: 20pt; text-align: center; margin: 10mm 0 6mm; }
h2 { font-size: 13pt; margin: 0 0 3mm; border-bottom: 1.5px solid #1565c0; padding-bottom: 1mm; }
h3 { font-size: 10.5pt; margin: 4mm 0 2mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5px solid #999; padding: 1mm 1.2mm; vertical-align: middle; }
th { background: #ddebf7; font-weight: bold; text-align: center; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.met { background: #c6efce; color: #006100; }
td.missed { background: #ffc7ce; color: #9c0006; }
.note { color: #666; font-size: 8pt; }
.form-top { margin-left: auto; width: 62mm; font-size: 9pt; }
.form-top td, .form-foot td, .facts td { border: none; padding: 1mm 1.5mm; }
.form-top td.l, .form-foot td.l { text-align: right; font-weight: bold; white-space: nowrap; width: 1%; }
.form-top td.v, .form-foot td.v { border-bottom: 0.5px solid #333; }
.facts { width: 150mm; margin: 4mm auto; font-size: 10pt; }
.facts td.l { font-weight: bold; width: 40mm; }
.facts tr + tr td { border-top: 0.5px solid #ddd; }
.unit-line { display: flex; justify-content: space-between; width: 150mm; margin: 0 auto 4mm; font-size: 10pt; }
.form-foot { width: 170mm; margin: 18mm auto 0; font-size: 10pt; }
.bad { background: #ffc7ce; color: #9c0006; font-weight: bold; }
.charts { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 3mm 0; }
.chart { break-inside: avoid; }
.chart svg { display: block; }
.legend { font-size: 8pt; color: #555; margin-top: 2mm; }
/* Fixed columns: a source's long URL would otherwise take the page and stack 方向 one character a line. */
table.defs { table-layout: fixed; }
table.defs td { overflow-wrap: anywhere; }
`;

function coverSection(m: ReportModel): string {
  const L = m.lang;
  const f = m.form;
  const colon = L === 'zh' ? '：' : ':';
  const lv = (key: LabelKey, v: string) => `<td class="l">${esc(t(key, L))}${colon}</td><td class="v">${esc(v)}</td>`;
  const top = (
    [
      ['form_table_no', f.table_no],
      ['form_authority', f.authority],
      ['form_approved_by', f.approved_by],
      ['form_approval_no', f.approval_no],
      ['form_valid_until', f.valid_until],
    ] as Array<[LabelKey, string]>
  )
    .map(([k, v]) => `<tr>${lv(k, v)}</tr>`)
    .join('');
  const tz = m.period.tz;
  const facts: Array<[string, string, boolean?]> = [
    [t(m.level === 'center' ? 'center' : 'scope', L), `${m.scope.name} (${m.scope.code})`],
    ...(m.province ? [[t('province', L), `${m.province.name} (${m.province.code})`] as [string, string]] : []),
    [t('period', L), m.period.name],
    [t('window', L), `${localTime(Date.parse(m.period.from), tz)} – ${localTime(Date.parse(m.period.to), tz)}`],
    [t('time_zone', L), tz],
    [t('generated_at', L), localTime(Date.parse(m.generated_at), tz)],
    [t('catalog_version', L), m.catalog_version],
  ];
  if (m.completeness) {
    const c = m.completeness;
    facts.push(
      [t('reported', L), t(c.reported ? 'yes' : 'no', L)],
      [t('time_coverage', L), share(c.time_coverage)],
      [t('downtime_hours', L), c.downtime_hours === null ? '' : c.downtime_hours.toFixed(2)],
      [t('last_data', L), c.last_data ? localTime(Date.parse(c.last_data), tz) : ''],
    );
  } else
    facts.push(
      [t('centers_expected', L), String(m.coverage.centers_expected)],
      [t('centers_reported', L), String(m.coverage.centers_reported)],
      [t('coverage_centers', L), share(m.coverage.centers)],
      [t('coverage_energy', L), share(m.coverage.it_energy)],
    );
  facts.push([t('data_status', L), dataStatus(m), !m.coverage.has_data]);
  return `<section class="first cover">
<table class="form-top">${top}</table>
<h1>${esc(reportTitle(m))}</h1>
<div class="unit-line"><span><b>${esc(t('form_unit', L))}${colon}</b>${esc(f.unit)}</span><span><b>${esc(t('period', L))}${colon}</b>${esc(m.period.name)}</span></div>
<table class="facts">${facts.map(([l, v, bad]) => `<tr><td class="l">${esc(l)}</td><td${bad ? ' class="bad"' : ''}>${esc(v)}</td></tr>`).join('')}</table>
<table class="form-foot"><tr>${lv('form_unit_head', f.unit_head)}${lv('form_stats_head', f.stats_head)}</tr><tr>${lv('form_preparer', f.preparer)}${lv('form_submitted', f.submitted)}</tr></table>
</section>`;
}

function chartsSection(m: ReportModel): string {
  const charts = reportCharts(m);
  if (charts.length === 0) return '';
  return `<section><h2>${esc(t('sheet_charts', m.lang))}</h2><div class="charts">${charts
    .map((c) => `<div class="chart" style="width:${c.width}px">${chartSvg(c)}</div>`)
    .join('')}</div></section>`;
}

function summarySection(m: ReportModel): string {
  const L = m.lang;
  const ranked = m.level !== 'nation';
  const center = m.level === 'center';
  const heads = [
    t('code', L),
    t('indicator', L),
    t('unit', L),
    t('value', L),
    t('target', L),
    t('target_status', L),
    ...(ranked ? [t(center ? 'rank_center' : 'rank', L)] : []),
    t('previous_value', L),
    t('change_pct', L),
    t('year_ago_value', L),
    t('yoy_change_pct', L),
    t('note', L),
  ];
  let dim = '';
  const rows = m.summary
    .map((r: SummaryRow) => {
      const group =
        r.dimension !== dim
          ? `<tr><th colspan="${heads.length}" style="text-align:left">${esc(`${r.dimension} ${r.dimension_name}`)}</th></tr>`
          : '';
      dim = r.dimension;
      return `${group}<tr><td>${r.code}</td><td>${esc(r.name)}</td><td>${esc(r.unit)}</td><td class="n ${cls(r.target_status)}">${num(r.value, r.unit, L)}</td><td>${esc(r.target?.text ?? '')}</td><td class="${cls(r.target_status)}">${esc(word(STATUS, r.target_status, L))}</td>${ranked ? `<td class="n">${r.rank === null ? '' : `${r.rank}/${r.rank_of}`}</td>` : ''}<td class="n">${num(r.previous.value, r.unit, L)}</td><td class="n">${pct(r.previous.change_pct)}</td><td class="n">${num(r.year_ago.value, r.unit, L)}</td><td class="n">${pct(r.year_ago.change_pct)}</td><td class="note">${r.value === null && r.reason ? esc(word(REASONS, r.reason, L)) : ''}</td></tr>`;
    })
    .join('');
  return `<section class="wide"><h2>${esc(t('sheet_summary', L))}</h2><table><thead><tr>${heads.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></section>`;
}

function cellHtml(c: Cell, unit: string, L: Lang): string {
  if (c.value === null) return `<td class="note">${c.reason ? esc(word(REASONS, c.reason, L)) : ''}</td>`;
  return `<td class="n ${cls(c.target_status)}">${num(c.value, unit, L)}</td>`;
}

function breakdownSection(m: ReportModel): string {
  if (m.breakdown.rows.length === 0) return '';
  const L = m.lang;
  const b = m.breakdown;
  const byId = new Map(m.summary.map((s) => [s.indicator, s]));
  const title = t(b.level === 'center' ? 'sheet_centers' : 'sheet_provinces', L);
  const first = b.level === 'center' ? [t('center_id', L), t('center_name', L)] : [t('province', L), t('name', L)];
  return byDimension(m)
    .map((g, gi) => {
      const heads = g.columns.map((i) => {
        const s = byId.get(b.indicators[i]!)!;
        return `${s.code} ${s.name}${s.unit === 'count' ? '' : ` (${s.unit})`}`;
      });
      const rows = b.rows
        .map(
          (r) =>
            `<tr><td>${esc(r.code)}</td><td>${esc(r.name)}</td>${g.columns.map((i) => cellHtml(r.cells[i]!, byId.get(b.indicators[i]!)!.unit, L)).join('')}</tr>`,
        )
        .join('');
      return `<section class="wide"><h2>${esc(title)} · ${esc(`${g.dimension} ${g.name}`)}</h2><table><thead><tr>${[...first, ...heads].map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>${gi === 0 ? `<p class="legend">${esc(t('legend_missed', L))}</p>` : ''}</section>`;
    })
    .join('');
}

function changesSection(m: ReportModel): string {
  if (m.level !== 'center') return '';
  const L = m.lang;
  const heads = ['code', 'indicator', 'unit', 'previous_value', 'value', 'change_pct', 'target_status', 'why'] as const;
  const rows = m.changes
    .map(
      (c) =>
        `<tr><td>${c.code}</td><td>${esc(c.name)}</td><td>${esc(c.unit)}</td><td class="n">${num(c.previous, c.unit, L)}</td><td class="n ${cls(c.status)}">${num(c.value, c.unit, L)}</td><td class="n">${pct(c.change_pct)}</td><td>${esc(`${word(STATUS, c.previous_status, L)} → ${word(STATUS, c.status, L)}`)}</td><td>${esc(changeText(c, L))}</td></tr>`,
    )
    .join('');
  const body = m.changes.length
    ? `<table><thead><tr>${heads.map((h) => `<th>${esc(t(h, L))}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`
    : `<p>${esc(t('changes_none', L))}</p>`;
  return `<section><h2>${esc(t('changes_title', L))}</h2>${body}</section>`;
}

function qualitySection(m: ReportModel): string {
  const L = m.lang;
  const sep = L === 'zh' ? '、' : ', ';
  const provinces = m.quality.provinces.length
    ? `<h3>${esc(t('quality_provinces', L))}</h3><table><thead><tr>${(['province', 'name', 'centers_expected', 'centers_reported', 'not_reported_count', 'late_count', 'downtime_count', 'declaration_missing_count'] as const).map((k) => `<th>${esc(t(k, L))}</th>`).join('')}</tr></thead><tbody>${m.quality.provinces
        .map(
          (p) =>
            `<tr><td>${p.province}</td><td>${esc(p.name)}</td>${[p.centers_expected, p.centers_reported, p.not_reported, p.late, p.downtime, p.declaration_missing].map((n) => `<td class="n">${n}</td>`).join('')}</tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const centers = m.quality.centers.length
    ? `<table><thead><tr>${(['center_id', 'center_name', 'issues', 'time_coverage', 'downtime_hours', 'last_data', 'declarations_missing'] as const).map((k) => `<th>${esc(t(k, L))}</th>`).join('')}</tr></thead><tbody>${m.quality.centers
        .map(
          (c) =>
            `<tr><td>${esc(c.center)}</td><td>${esc(c.name)}</td><td>${esc(c.issues.map((i) => word(ISSUES, i, L)).join(sep))}</td><td class="n">${share(c.time_coverage)}</td><td class="n">${c.downtime_hours?.toFixed(2) ?? ''}</td><td>${c.last_data ? localTime(Date.parse(c.last_data), m.period.tz) : ''}</td><td class="note">${esc(c.declarations_missing.join(sep))}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : `<p>${esc(m.coverage.has_data ? t('quality_ok', L) : t('no_data', L))}</p>`;
  return `<section class="wide"><h2>${esc(t('sheet_quality', L))}</h2><p><b>${esc(t('data_status', L))}:</b> ${esc(dataStatus(m))}</p>${provinces}<h3>${esc(t('quality_centers', L))}</h3>${centers}</section>`;
}

function definitionsSection(m: ReportModel): string {
  const L = m.lang;
  const heads = ['code', 'indicator', 'unit', 'direction', 'formula', 'target', 'target_source'] as const;
  const rows = m.definitions
    .map(
      (d) =>
        `<tr><td>${d.code}</td><td>${esc(d.name)}</td><td>${esc(d.unit)}</td><td>${esc(d.direction)}</td><td class="note">${esc(d.formula)}</td><td>${esc(d.target)}</td><td class="note">${esc(d.target_source)}</td></tr>`,
    )
    .join('');
  const cols = [12, 32, 24, 20, 80, 45, 64].map((mm) => `<col style="width:${mm}mm">`).join('');
  return `<section class="wide"><h2>${esc(t('sheet_definitions', L))}</h2><table class="defs"><colgroup>${cols}</colgroup><thead><tr>${heads.map((h) => `<th>${esc(t(h, L))}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** The whole report as one HTML document. */
export function renderHtml(m: ReportModel): string {
  return `<!doctype html><html lang="${m.lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${esc(reportTitle(m))} ${esc(m.period.name)}</title><style>${pageCss(m)}${CSS}</style></head><body>${[
    coverSection(m),
    chartsSection(m),
    summarySection(m),
    breakdownSection(m),
    changesSection(m),
    qualitySection(m),
    definitionsSection(m),
  ].join('\n')}</body></html>`;
}
