/**
 * @module The CSV rendering of a report: UTF-8 with a BOM (so Excel opens Chinese text correctly), one row
 * per level, code and indicator. The scope's own values come first, then the breakdown.
 *
 * Numbers are written in full precision (JavaScript's shortest round-trip form), so a value read back
 * equals the value the API serves; empty values are empty fields with the reason in `note`.
 */
import type { Lang } from '../catalog/docs.ts';
import type { ReportModel } from './model.ts';
import { REASONS, STATUS, t, word, type LabelKey } from './text.ts';

export const BOM = '\uFEFF';

/** Column keys, in order; the header row carries their labels in the report's language. */
export const CSV_COLUMNS: LabelKey[] = [
  'level',
  'code',
  'name',
  'dimension',
  'indicator_id',
  'indicator',
  'unit',
  'value',
  'target',
  'target_status',
  'rank',
  'rank_of',
  'previous_value',
  'change',
  'change_pct',
  'year_ago_value',
  'yoy_change',
  'yoy_change_pct',
  'centers',
  'coverage_centers',
  'coverage_energy',
  'note',
];

function field(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function line(values: Array<string | number | null | undefined>): string {
  return values.map(field).join(',');
}

function note(reason: string | null, lang: Lang): string {
  return reason ? word(REASONS, reason, lang) : '';
}

/** Renders the model as CSV text (with BOM, CRLF line ends as RFC 4180 asks). */
export function renderCsv(m: ReportModel): string {
  const L = m.lang;
  const lines = [line(CSV_COLUMNS.map((k) => t(k, L)))];
  for (const r of m.summary) {
    lines.push(
      line([
        m.level,
        m.scope.code,
        m.scope.name,
        r.dimension,
        r.indicator,
        `${r.code} ${r.name}`,
        r.unit,
        r.value,
        r.target?.text ?? '',
        word(STATUS, r.target_status, L),
        r.rank,
        r.rank_of,
        r.previous.value,
        r.previous.change,
        r.previous.change_pct,
        r.year_ago.value,
        r.year_ago.change,
        r.year_ago.change_pct,
        r.centers,
        r.coverage.centers,
        r.coverage.it_energy,
        r.value === null ? note(r.reason, L) : '',
      ]),
    );
  }
  const byId = new Map(m.summary.map((s) => [s.indicator, s]));
  for (const row of m.breakdown.rows) {
    row.cells.forEach((c, i) => {
      const s = byId.get(m.breakdown.indicators[i]!)!;
      const target = m.breakdown.targets[i]?.text ?? '';
      lines.push(
        line([
          m.breakdown.level,
          row.code,
          row.name,
          s.dimension,
          s.indicator,
          `${s.code} ${s.name}`,
          s.unit,
          c.value,
          target,
          word(STATUS, c.target_status, L),
          c.rank,
          c.rank === null ? null : s.rank_of,
          null,
          null,
          null,
          null,
          null,
          null,
          c.centers,
          m.breakdown.level === 'province' ? row.coverage : null,
          m.breakdown.level === 'center' ? row.coverage : null,
          c.value === null ? note(c.reason, L) : '',
        ]),
      );
    });
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
