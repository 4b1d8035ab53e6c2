/** @module The frame every dims dashboard shares: tags, time range, refresh, the dashboards dropdown. */
import { DashboardBuilder, DashboardCursorSync } from '@grafana/grafana-foundation-sdk/dashboard';
import { type Lang } from './i18n.ts';
import { DIMS_TAG, dimsDashboardsLink } from './links.ts';

/** A dashboard with dims defaults; the caller adds variables and panels. */
export function baseDashboard(
  uid: string,
  title: string,
  description: string,
  lang: Lang,
  tags: string[] = [],
): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([DIMS_TAG, ...tags])
    .readonly()
    .timezone('browser')
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .tooltip(DashboardCursorSync.Crosshair)
    .link(dimsDashboardsLink(lang));
}
