/** @module A report's title in its language: the province's, the nation's or the center's. */
import type { ReportModel } from './types.ts';
import { t } from './text.ts';

export function reportTitle(m: Pick<ReportModel, 'level' | 'lang' | 'scope'>): string {
  if (m.level === 'nation') return t('title_nation', m.lang);
  if (m.level === 'center') return t('title_center', m.lang, { scope: m.scope.name });
  return t('title_province', m.lang, { scope: m.scope.name });
}
