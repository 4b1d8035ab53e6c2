/** @module The centers of the chosen province: PUE, IT energy and utilization per center (InfluxQL), record age (Prometheus). */
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { ThresholdsConfigBuilder, ThresholdsMode, type GridPos } from '@grafana/grafana-foundation-sdk/dashboard';
import { PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { TableCellDisplayMode } from '@grafana/grafana-foundation-sdk/common';
import { INFLUX, PROM } from '../../lib/datasources.ts';
import { p, type Lang } from '../../lib/i18n.ts';
import { HOUR_VALUES, InfluxQL } from '../../lib/influxql.ts';
import { centerDataLink } from '../../lib/links.ts';
import { promInstant } from '../../lib/prom.ts';

/** Center-level values that say most about a center at a glance. */
const CENTER_COLUMNS = ['pue', 'it_load_util', 'cpu_util'];

export function centersTable(lang: Lang, pos: GridPos): TablePanel {
  const cols = CENTER_COLUMNS.map((id) => `"indicator" = '${id}'`).join(' OR ');
  // Centers' newest values are their last hour's: the rolling window is stored for the nation and provinces only.
  const q =
    `SELECT last("value") AS "value" FROM ${HOUR_VALUES} WHERE "period_kind" = 'hour' AND "level" = 'center' ` +
    `AND "province" =~ /^$province$/ AND (${cols}) AND "reason" = '' AND $timeFilter GROUP BY "code", "indicator"`;
  return (
    new TablePanel()
      .title(p('centers', lang))
      .description(p('centersDesc', lang))
      .datasource(INFLUX)
      .withTarget(new InfluxQL(q).refId('A').table())
      // One row per center, one column per indicator.
      .withTransformation({
        id: 'groupingToMatrix',
        options: { columnField: 'indicator', rowField: 'code', valueField: 'value' },
      })
      .withTransformation({ id: 'organize', options: { renameByName: { 'code\\indicator': p('center', lang) } } })
      .overrideByName(p('center', lang), [
        { id: 'links', value: [centerDataLink(lang, '$province', '${__value.raw}').build()] },
      ])
      .decimals(2)
      .gridPos(pos)
  );
}

export function recordAgeTable(lang: Lang, pos: GridPos): TablePanel {
  return new TablePanel()
    .title(p('recordAge', lang))
    .description(p('lateCenters', lang))
    .datasource(PROM)
    .withTarget(
      promInstant('time() - max by (center) (dims_center_last_record_timestamp_seconds{province=~"$province"})')
        .format(PromQueryFormat.Table)
        .refId('A'),
    )
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true },
        renameByName: { center: p('center', lang), Value: p('lastRecord', lang) },
      },
    })
    .unit('s')
    .thresholds(
      new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
        { value: null, color: 'green' },
        { value: 900, color: 'red' },
      ]),
    )
    .cellOptions({ type: TableCellDisplayMode.ColorBackground })
    .overrideByName(p('center', lang), [
      { id: 'links', value: [centerDataLink(lang, '$province', '${__value.raw}').build()] },
      { id: 'custom.cellOptions', value: { type: TableCellDisplayMode.Auto } },
    ])
    .gridPos(pos);
}
