/** @module The data status sentence of a report's cover and data-quality section. */
import type { ReportModel } from './types.ts';
import { REASONS, t, word } from './text.ts';

export function dataStatus(m: ReportModel): string {
  const L = m.lang;
  const parts = [m.coverage.has_data ? t('has_data', L) : t('no_data', L)];
  if (!m.coverage.computed) parts.push(word(REASONS, 'not_computed', L));
  if (!m.period.closed) parts.push(t('not_closed', L));
  return parts.join(L === 'zh' ? ';' : '; ');
}
