/** @module The alerts dashboard: Alertmanager's alert groups, and firing alerts by severity and province from Prometheus' ALERTS series. */
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as AlertGroupsPanel } from '@grafana/grafana-foundation-sdk/alertgroups';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import type { Catalog } from '../../../src/catalog/types.ts';
import { baseDashboard } from '../../lib/dashboard.ts';
import { ALERTMANAGER, PROM } from '../../lib/datasources.ts';
import { p, type Lang } from '../../lib/i18n.ts';
import { Grid } from '../../lib/layout.ts';
import { UIDS } from '../../lib/links.ts';
import { promQuery } from '../../lib/prom.ts';

export function alertsDashboard(_catalog: Catalog, lang: Lang): Dashboard {
  const grid = new Grid();
  const dash = baseDashboard(UIDS.alerts, p('alertsTitle', lang), p('alertsDesc', lang), lang, ['alerts']);
  dash.withRow(new RowBuilder(p('alertGroups', lang)).gridPos(grid.row()));
  dash.withPanel(
    new AlertGroupsPanel()
      .title(p('alertGroups', lang))
      .datasource(ALERTMANAGER)
      .alertmanager(ALERTMANAGER.uid as string)
      // The watchdog fires by design; it is a heartbeat for the paging chain, not news for the wall.
      .labels('alertname!="Watchdog"')
      .expandAll(false)
      .gridPos(grid.place(24, 12)),
  );
  dash.withRow(new RowBuilder(p('firingBySeverity', lang)).gridPos(grid.row()));
  dash.withPanel(
    new TimeseriesPanel()
      .title(p('firingBySeverity', lang))
      .datasource(PROM)
      .withTarget(promQuery('count by (severity) (ALERTS{alertstate="firing"})', '{{severity}}').refId('A'))
      .unit('short')
      .min(0)
      .gridPos(grid.place(12, 8)),
  );
  dash.withPanel(
    new TimeseriesPanel()
      .title(p('firingByProvince', lang))
      .datasource(PROM)
      .withTarget(promQuery('count by (province) (ALERTS{alertstate="firing"})', '{{province}}').refId('A'))
      .unit('short')
      .min(0)
      .gridPos(grid.place(12, 8)),
  );
  return dash.build();
}
