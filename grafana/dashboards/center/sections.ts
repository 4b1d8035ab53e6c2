/** @module Sections of the center dashboard; raw metric names and labels come from indicators/raw-metrics.yaml. */
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { BigValueGraphMode, GraphDrawStyle, GraphThresholdsStyleMode } from '@grafana/grafana-foundation-sdk/common';
import { ThresholdsConfigBuilder, ThresholdsMode, type GridPos } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Catalog } from '../../../src/catalog/types.ts';
import { ASHRAE_INLET_MAX_C, ASHRAE_INLET_MIN_C } from '../../lib/ashrae.ts';
import { INFLUX } from '../../lib/datasources.ts';
import { p, type Lang } from '../../lib/i18n.ts';
import { InfluxQL, recordFields, series } from '../../lib/influxql.ts';
import { indicatorTitle } from '../../lib/panels.ts';
import { opts } from '../../lib/cog.ts';

/** Display name of a raw metric in the chosen language. */
function metricName(catalog: Catalog, id: string, lang: Lang): string {
  const m = catalog.metricById.get(id);
  if (!m) throw new Error(`center dashboard uses unknown raw metric ${id}`);
  return lang === 'zh' ? m.zh : m.en;
}

/** Per-series display names for record fields (the InfluxQL alias is the field id). */
function nameFields(panel: TimeseriesPanel | StatPanel, catalog: Catalog, ids: string[], lang: Lang): void {
  for (const id of ids) panel.overrideByName(id, [{ id: 'displayName', value: metricName(catalog, id, lang) }]);
}

function recordsPanel(
  catalog: Catalog,
  lang: Lang,
  pos: GridPos,
  title: string,
  ids: string[],
  agg: 'sum' | 'mean' | 'max',
  unit: string,
  bars = false,
): TimeseriesPanel {
  const panel = new TimeseriesPanel()
    .title(title)
    .datasource(INFLUX)
    .withTarget(new InfluxQL(recordFields(ids, agg)).refId('A').alias('$col'))
    .unit(unit)
    .gridPos(pos);
  if (bars) panel.drawStyle(GraphDrawStyle.Bars).fillOpacity(60);
  nameFields(panel, catalog, ids, lang);
  return panel;
}

export function powerPanel(catalog: Catalog, lang: Lang, pos: GridPos): TimeseriesPanel {
  return recordsPanel(catalog, lang, pos, p('peakPower', lang), ['p_total_kw_max'], 'max', 'kwatt').description(
    metricName(catalog, 'p_total_kw_max', lang),
  );
}

export function energyPanel(catalog: Catalog, lang: Lang, pos: GridPos): TimeseriesPanel {
  return recordsPanel(
    catalog,
    lang,
    pos,
    p('energy', lang),
    ['e_total_kwh', 'e_it_kwh', 'e_cooling_kwh', 'e_loss_kwh', 'e_green_direct_kwh'],
    'sum',
    'kwatth',
    true,
  );
}

export function coolingPanel(catalog: Catalog, lang: Lang, pos: GridPos): TimeseriesPanel {
  const pue = catalog.indicatorById.get('pue');
  const panel = recordsPanel(catalog, lang, pos, p('cooling', lang), ['e_cooling_kwh'], 'sum', 'kwatth', true);
  if (pue) {
    // PUE on a right axis: a failing chiller shows as cooling energy and PUE rising together.
    panel.withTarget(
      new InfluxQL(series({ kind: 'hour', indicator: 'pue', level: 'center', code: '$center' }))
        .refId('B')
        .alias(indicatorTitle(pue, lang)),
    );
    panel.overrideByName(indicatorTitle(pue, lang), [
      { id: 'custom.axisPlacement', value: 'right' },
      { id: 'unit', value: 'none' },
      { id: 'decimals', value: 2 },
      { id: 'custom.drawStyle', value: 'line' },
    ]);
  }
  return panel;
}

export function waterPanel(catalog: Catalog, lang: Lang, pos: GridPos): TimeseriesPanel {
  return recordsPanel(catalog, lang, pos, p('water', lang), ['water_m3'], 'sum', 'suffix: m³', true);
}

export function inletPanel(catalog: Catalog, lang: Lang, pos: GridPos): TimeseriesPanel {
  const panel = recordsPanel(
    catalog,
    lang,
    pos,
    p('inlet', lang),
    ['inlet_temp_c_mean', 'inlet_temp_c_max'],
    'max',
    'celsius',
  );
  // Blue below the ASHRAE recommended range, green inside, red above.
  return panel
    .thresholds(
      new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
        { value: null, color: 'blue' },
        { value: ASHRAE_INLET_MIN_C, color: 'green' },
        { value: ASHRAE_INLET_MAX_C, color: 'red' },
      ]),
    )
    .thresholdsStyle(opts({ mode: GraphThresholdsStyleMode.DashedAndArea }));
}

/** Center-level utilization indicators, one line each. */
const UTILIZATION = ['it_load_util', 'cpu_util', 'accel_util', 'rack_occupancy'];

export function utilizationPanel(catalog: Catalog, lang: Lang, pos: GridPos): TimeseriesPanel {
  const panel = new TimeseriesPanel()
    .title(p('utilization', lang))
    .datasource(INFLUX)
    .unit('percent')
    .min(0)
    .max(100)
    .gridPos(pos);
  UTILIZATION.forEach((id, i) => {
    const ind = catalog.indicatorById.get(id);
    if (!ind) throw new Error(`center dashboard uses unknown indicator ${id}`);
    panel.withTarget(
      new InfluxQL(series({ kind: 'hour', indicator: id, level: 'center', code: '$center' }))
        .refId(String.fromCharCode(65 + i))
        .alias(indicatorTitle(ind, lang)),
    );
  });
  return panel;
}

export function chipsPanel(catalog: Catalog, lang: Lang, pos: GridPos): StatPanel {
  const ids = ['servers_total', 'servers_domestic_cpu', 'accel_total', 'accel_domestic'];
  const panel = new StatPanel()
    .title(p('chips', lang))
    .datasource(INFLUX)
    .withTarget(new InfluxQL(recordFields(ids, 'last')).refId('A').alias('$col'))
    .reduceOptions(opts({ calcs: ['lastNotNull'], values: false }))
    .graphMode(BigValueGraphMode.None)
    .unit('short')
    .gridPos(pos);
  nameFields(panel, catalog, ids, lang);
  return panel;
}
