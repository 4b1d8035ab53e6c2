/** @module Panels for one catalog indicator: a stat of its current value, a time series per node, a node against the nation. */
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { BigValueColorMode, BigValueGraphMode, GraphThresholdsStyleMode } from '@grafana/grafana-foundation-sdk/common';
import type { GridPos } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Indicator } from '../../src/catalog/types.ts';
import type { Level } from '../../src/model/values.ts';
import { opts } from './cog.ts';
import { INFLUX } from './datasources.ts';
import { LEVELS, p, tr, type Lang } from './i18n.ts';
import { InfluxQL, series, seriesByCode } from './influxql.ts';
import {
  decimalsFor,
  grafanaUnit,
  indicatorDescription,
  indicatorThresholds,
  indicatorTitle,
  thresholdsBuilder,
} from './panels.ts';

function withUnit<T extends StatPanel | TimeseriesPanel>(panel: T, ind: Indicator): T {
  panel.unit(grafanaUnit(ind.unit)).thresholds(thresholdsBuilder(indicatorThresholds(ind)));
  const d = decimalsFor(ind.unit);
  if (d !== undefined) panel.decimals(d);
  return panel;
}

/** The current value at one level (and node) with a sparkline, coloured by the official target. */
export function indicatorStat(
  ind: Indicator,
  lang: Lang,
  pos: GridPos,
  level: Level = 'nation',
  code?: string,
): StatPanel {
  const q = series({ indicator: ind.id, level, ...(code !== undefined ? { code } : {}) });
  const panel = new StatPanel()
    .title(indicatorTitle(ind, lang))
    .description(indicatorDescription(ind, lang))
    .datasource(INFLUX)
    .withTarget(new InfluxQL(q).refId('A').alias(tr(LEVELS[level], lang)))
    .reduceOptions(opts({ calcs: ['lastNotNull'], values: false }))
    .graphMode(BigValueGraphMode.Area)
    .colorMode(BigValueColorMode.Value)
    .gridPos(pos);
  return withUnit(panel, ind);
}

/** One line per province (or per center of a province), with the target as a threshold line. */
export function indicatorByCode(
  ind: Indicator,
  lang: Lang,
  pos: GridPos,
  level: Level,
  province?: string,
): TimeseriesPanel {
  const q = seriesByCode({ indicator: ind.id, level, ...(province !== undefined ? { province } : {}) });
  const panel = new TimeseriesPanel()
    .title(`${indicatorTitle(ind, lang)} · ${tr(LEVELS[level], lang)}`)
    .description(indicatorDescription(ind, lang))
    .datasource(INFLUX)
    .withTarget(new InfluxQL(q).refId('A').alias('$tag_code'))
    .thresholdsStyle(opts({ mode: GraphThresholdsStyleMode.Dashed }))
    .gridPos(pos);
  return withUnit(panel, ind);
}

/** A province's series against the national series of the same indicator. */
export function indicatorVsNation(ind: Indicator, lang: Lang, pos: GridPos, provinceVar: string): TimeseriesPanel {
  const panel = new TimeseriesPanel()
    .title(indicatorTitle(ind, lang))
    .description(`${indicatorDescription(ind, lang)}\n\n${p('vsNation', lang)}`)
    .datasource(INFLUX)
    .withTarget(
      new InfluxQL(series({ indicator: ind.id, level: 'province', code: provinceVar }))
        .refId('A')
        .alias(`${p('province', lang)} ${provinceVar}`),
    )
    .withTarget(new InfluxQL(series({ indicator: ind.id, level: 'nation' })).refId('B').alias(p('nation', lang)))
    .thresholdsStyle(opts({ mode: GraphThresholdsStyleMode.Dashed }))
    .gridPos(pos);
  return withUnit(panel, ind);
}
