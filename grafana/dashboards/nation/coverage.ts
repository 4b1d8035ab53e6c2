/** @module Coverage: the share of expected centers behind each national value, and per province over time. */
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { TableCellDisplayMode } from '@grafana/grafana-foundation-sdk/common';
import { ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import { INFLUX } from '../../lib/datasources.ts';
import { p, type Lang } from '../../lib/i18n.ts';
import { InfluxQL, VALUES } from '../../lib/influxql.ts';
import type { Grid } from '../../lib/layout.ts';

// Coverage below 80 % means a national value stands on too few centers to compare with a target.
const COVERAGE_STEPS = [
  { value: null, color: 'red' },
  { value: 0.8, color: 'orange' },
  { value: 0.95, color: 'green' },
];

export function coveragePanels(lang: Lang, grid: Grid): Array<TablePanel | TimeseriesPanel> {
  const steps = new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(COVERAGE_STEPS);
  const table = new TablePanel()
    .title(p('coverage', lang))
    .description(p('coverageDesc', lang))
    .datasource(INFLUX)
    .withTarget(
      new InfluxQL(
        `SELECT last("coverage_centers") AS "coverage" FROM ${VALUES} WHERE "period_kind" = 'realtime' AND "level" ` +
          `= 'nation' AND "reason" = '' AND $timeFilter GROUP BY "indicator"`,
      )
        .refId('A')
        .table(),
    )
    .withTransformation({
      id: 'organize',
      options: { excludeByName: { Time: true }, renameByName: { indicator: p('indicator', lang) } },
    })
    .unit('percentunit')
    .min(0)
    .max(1)
    .thresholds(steps)
    .cellOptions({ type: TableCellDisplayMode.ColorText })
    .gridPos(grid.place(6, 14));
  const byProvince = new TimeseriesPanel()
    .title(p('coverageByProvince', lang))
    .description(p('coverageDesc', lang))
    .datasource(INFLUX)
    .withTarget(
      new InfluxQL(
        `SELECT mean("coverage_centers") AS "coverage" FROM ${VALUES} WHERE "period_kind" = 'realtime' AND "level" ` +
          `= 'province' AND "indicator" = 'pue' AND "reason" = '' AND $timeFilter GROUP BY time($__interval), "code" fill(none)`,
      )
        .refId('A')
        .alias('$tag_code'),
    )
    .unit('percentunit')
    .min(0)
    .max(1)
    .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(COVERAGE_STEPS))
    .gridPos(grid.place(24, 8));
  return [table, byProvince];
}
