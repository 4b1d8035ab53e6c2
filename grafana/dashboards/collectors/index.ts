/**
 * @module The collectors dashboard (Prometheus): agent targets up, scrape errors, outbox depth and age,
 * and centers whose newest record at the hub is late. Metric names are those of src/agent/observe/metrics.ts
 * and src/hub/metrics.ts.
 */
import {
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { TableCellDisplayMode } from '@grafana/grafana-foundation-sdk/common';
import type { Catalog } from '../../../src/catalog/types.ts';
import { opts } from '../../lib/cog.ts';
import { baseDashboard } from '../../lib/dashboard.ts';
import { PROM } from '../../lib/datasources.ts';
import { p, type Lang } from '../../lib/i18n.ts';
import { Grid } from '../../lib/layout.ts';
import { UIDS, centerDataLink } from '../../lib/links.ts';
import { promInstant, promQuery } from '../../lib/prom.ts';
import { promLabelVariable } from '../../lib/variables.ts';
import { LATE_AFTER_SECONDS } from '../../lib/constants.ts';

export function collectorsDashboard(_catalog: Catalog, lang: Lang): Dashboard {
  const grid = new Grid();
  const dash = baseDashboard(UIDS.collectors, p('collectorsTitle', lang), p('collectorsDesc', lang), lang, [
    'collectors',
  ]).withVariable(promLabelVariable('center', p('center', lang), 'dims_agent_target_up'));
  const sel = 'center=~"$center"';
  dash.withRow(new RowBuilder(p('targetsUp', lang)).gridPos(grid.row()));
  dash.withPanel(
    new StatPanel()
      .title(p('targetsUp', lang))
      .datasource(PROM)
      .withTarget(promInstant(`sum(dims_agent_target_up{${sel}}) / count(dims_agent_target_up{${sel}})`).refId('A'))
      .unit('percentunit')
      .decimals(1)
      .thresholds(
        new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
          { value: null, color: 'red' },
          { value: 0.9, color: 'orange' },
          { value: 1, color: 'green' },
        ]),
      )
      .gridPos(grid.place(6, 8)),
  );
  dash.withPanel(
    new TimeseriesPanel()
      .title(`${p('targetsUp', lang)} · ${p('center', lang)}`)
      .datasource(PROM)
      .withTarget(
        promQuery(`sum by (center, protocol) (dims_agent_target_up{${sel}})`, '{{center}} {{protocol}}').refId('A'),
      )
      .unit('short')
      .min(0)
      .gridPos(grid.place(18, 8)),
  );
  dash.withRow(new RowBuilder(`${p('scrapeErrors', lang)} · ${p('outboxDepth', lang)}`).gridPos(grid.row()));
  dash.withPanel(
    new TimeseriesPanel()
      .title(p('scrapeErrors', lang))
      .datasource(PROM)
      // A counter appears only after its first error; "or vector(0)" draws the healthy zero instead of "No data".
      .withTarget(
        promQuery(
          `sum by (center, kind) (rate(dims_agent_scrape_errors_total{${sel}}[$__rate_interval])) or on () vector(0)`,
          '{{center}} {{kind}}',
        ).refId('A'),
      )
      .unit('reqps')
      .min(0)
      .gridPos(grid.place(8, 8)),
  );
  dash.withPanel(
    new TimeseriesPanel()
      .title(p('outboxDepth', lang))
      .datasource(PROM)
      .withTarget(promQuery(`dims_agent_outbox_depth{${sel}}`, '{{center}}').refId('A'))
      .unit('short')
      .min(0)
      .gridPos(grid.place(8, 8)),
  );
  dash.withPanel(
    new TimeseriesPanel()
      .title(p('outboxAge', lang))
      .datasource(PROM)
      .withTarget(promQuery(`dims_agent_outbox_oldest_age_seconds{${sel}}`, '{{center}}').refId('A'))
      .unit('s')
      .min(0)
      .gridPos(grid.place(8, 8)),
  );
  dash.withRow(new RowBuilder(p('lateCenters', lang)).gridPos(grid.row()));
  const late = new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null, color: 'green' },
    { value: LATE_AFTER_SECONDS, color: 'red' },
  ]);
  dash.withPanel(
    new StatPanel()
      .title(p('lateCenters', lang))
      .datasource(PROM)
      .withTarget(
        promInstant(
          `count(time() - dims_center_last_record_timestamp_seconds > ${LATE_AFTER_SECONDS}) or on () vector(0)`,
        ).refId('A'),
      )
      .unit('short')
      .thresholds(
        new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
          { value: null, color: 'green' },
          { value: 1, color: 'red' },
        ]),
      )
      .gridPos(grid.place(6, 8)),
  );
  dash.withPanel(
    new TablePanel()
      .title(p('recordAge', lang))
      .datasource(PROM)
      .withTarget(
        promInstant('time() - max by (province, center) (dims_center_last_record_timestamp_seconds)')
          .format(PromQueryFormat.Table)
          .refId('A'),
      )
      .withTransformation({
        id: 'organize',
        options: {
          excludeByName: { Time: true },
          renameByName: { province: p('province', lang), center: p('center', lang), Value: p('lastRecord', lang) },
        },
      })
      .sortBy([opts({ displayName: p('lastRecord', lang), desc: true })])
      .unit('s')
      .thresholds(late)
      .cellOptions({ type: TableCellDisplayMode.ColorBackground })
      .overrideByName(p('center', lang), [
        { id: 'links', value: [centerDataLink(lang, '${__data.fields.province}', '${__value.raw}').build()] },
        { id: 'custom.cellOptions', value: { type: TableCellDisplayMode.Auto } },
      ])
      .overrideByName(p('province', lang), [{ id: 'custom.cellOptions', value: { type: TableCellDisplayMode.Auto } }])
      .gridPos(grid.place(18, 8)),
  );
  return dash.build();
}
