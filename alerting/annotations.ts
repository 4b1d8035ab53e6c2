/**
 * @module Annotation conventions of dims alerts. `summary` and `description` are Chinese (what Alertmanager's
 * default templates and Grafana's alert list show to the national desk); `summary_en` and `description_en`
 * carry the English text; `runbook_url` and `dashboard_url` link the runbook and the dashboard of the node.
 *
 * Only two template constructs are used, `{{ $labels.x }}` and `{{ $value | printf "%.2f" }}`, so the promtool
 * test generator can render the expected text itself (renderTemplate).
 */
import type { Level } from '../src/model/values.ts';
import { defaultCatalog } from '../src/catalog/load.ts';
import { UIDS, dashboardPath } from '../grafana/lib/links.ts';
import type { RuleUrls } from './types.ts';

export const VALUE = '{{ $value | printf "%.2f" }}';
export const label = (name: string): string => `{{ $labels.${name} }}`;

/** The dashboard of the node an alert is about, with its variables and the last 6 hours. */
export function dashboardUrl(urls: RuleUrls, level: Level | 'collector'): string {
  const base = urls.grafana;
  if (level === 'center')
    return `${base}${dashboardPath(UIDS.center)}?var-province=${label('province')}&var-center=${label('center')}&from=now-6h&to=now`;
  if (level === 'province')
    return `${base}${dashboardPath(UIDS.province)}?var-province=${label('province')}&from=now-6h&to=now`;
  if (level === 'collector')
    return `${base}${dashboardPath(UIDS.collectors)}?var-center=${label('center')}&from=now-6h&to=now`;
  return `${base}${dashboardPath(UIDS.nation)}?from=now-6h&to=now`;
}

export function runbookUrl(urls: RuleUrls, alert: string): string {
  return `${urls.runbookBase.replace(/\/$/, '')}/${alert}.md`;
}

/** Renders the two constructs the rules use, as Prometheus would. */
export function renderTemplate(text: string, labels: Record<string, string>, value: number): string {
  return text
    .replace(/\{\{ \$value \| printf "%\.2f" \}\}/g, value.toFixed(2))
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, name: string) => labels[name] ?? '');
}

/** "center 44-0001 (province 44)" style node names, per level, with the catalog's level names. */
export function nodeText(level: Level, lang: 'zh' | 'en'): string {
  const name = (l: Level) => defaultCatalog().levelById.get(l)![lang];
  if (level === 'center')
    return lang === 'zh'
      ? `${name('center')} ${label('center')}(${name('province')} ${label('province')})`
      : `${name('center')} ${label('center')} (${name('province')} ${label('province')})`;
  if (level === 'province') return `${name('province')} ${label('province')}`;
  return lang === 'zh' ? name('nation') : `the ${name('nation')}`;
}
