/**
 * @module Dashboard uids, URLs and drill-down links (nation → province → center), always keeping the time range.
 *
 * Data links carry `${__url_time_range}` and dashboard links set keepTime, so an operator who zoomed into
 * an incident keeps that window on the next page.
 */
import { DashboardLinkBuilder, DashboardLinkType } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dimension } from '../../src/catalog/types.ts';
import { p, type Lang } from './i18n.ts';

/** Fixed uids: rules and runbooks link to them, so they never change. */
export const UIDS = {
  nation: 'dims-nation',
  province: 'dims-province',
  center: 'dims-center',
  collectors: 'dims-collectors',
  alerts: 'dims-alerts',
  dimension: (d: Dimension) => `dims-dimension-${d.toLowerCase()}`,
} as const;

/** The tag every dims dashboard carries (the dashboard-links dropdown lists them by it). */
export const DIMS_TAG = 'dims';

/** Path of a dashboard in Grafana (`/d/<uid>`; Grafana redirects to the slugged URL). */
export function dashboardPath(uid: string): string {
  return `/d/${uid}`;
}

/** A data link to the province dashboard for the clicked province code. */
export function provinceDataLink(lang: Lang, codeExpr: string): DashboardLinkBuilder {
  return new DashboardLinkBuilder(p('openProvince', lang)).url(
    `${dashboardPath(UIDS.province)}?var-province=${codeExpr}&\${__url_time_range}`,
  );
}

/** A data link to the center dashboard for the clicked center. */
export function centerDataLink(lang: Lang, provinceExpr: string, centerExpr: string): DashboardLinkBuilder {
  return new DashboardLinkBuilder(p('openCenter', lang)).url(
    `${dashboardPath(UIDS.center)}?var-province=${provinceExpr}&var-center=${centerExpr}&\${__url_time_range}`,
  );
}

/** The dropdown of all dims dashboards, keeping time and variables. */
export function dimsDashboardsLink(lang: Lang): DashboardLinkBuilder {
  return new DashboardLinkBuilder(p('dashboards', lang))
    .type(DashboardLinkType.Dashboards)
    .tags([DIMS_TAG])
    .asDropdown(true)
    .keepTime(true)
    .includeVars(true);
}
