/**
 * @module The province map: current value of the chosen indicator placed at the registry coordinates.
 *
 * InfluxDB has no coordinates, so the panel is mixed: query A is the InfluxQL value per province code,
 * query B a static CSV (code, name, lat, lon) generated from indicators/reference/provinces.yaml and served
 * by Grafana's built-in TestData source; the join on `code` gives the markers their place.
 */
import { PanelBuilder as GeomapPanel, MapCenterID, TooltipMode } from '@grafana/grafana-foundation-sdk/geomap';
import { DataqueryBuilder as TestData, TestDataQueryType } from '@grafana/grafana-foundation-sdk/testdata';
import { FrameGeometrySourceMode } from '@grafana/grafana-foundation-sdk/common';
import type { GridPos } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Catalog } from '../../../src/catalog/types.ts';
import { opts } from '../../lib/cog.ts';
import { MIXED, REGISTRY } from '../../lib/datasources.ts';
import { p, type Lang } from '../../lib/i18n.ts';
import { InfluxQL, lastValueByCode } from '../../lib/influxql.ts';
import { provinceDataLink } from '../../lib/links.ts';

/** The registry's provinces as CSV; codes are quoted so TestData keeps them as strings, like the InfluxDB tag. */
export function provincesCsv(catalog: Catalog, lang: Lang): string {
  const rows = catalog.provinces.map((pr) => `"${pr.code}",${lang === 'zh' ? pr.zh : pr.en},${pr.lat},${pr.lon}`);
  return ['code,name,lat,lon', ...rows].join('\n');
}

export function provinceMap(catalog: Catalog, lang: Lang, pos: GridPos): GeomapPanel {
  return new GeomapPanel()
    .title(p('map', lang))
    .description(p('mapDesc', lang))
    .datasource(MIXED)
    .withTarget(new InfluxQL(lastValueByCode({ indicator: '$indicator', level: 'province' })).refId('A').table())
    .withTarget(
      new TestData()
        .refId('B')
        .datasource(REGISTRY)
        .scenarioId(TestDataQueryType.CSVContent)
        .csvContent(provincesCsv(catalog, lang)),
    )
    .withTransformation({
      id: 'convertFieldType',
      options: { conversions: [{ targetField: 'code', destinationType: 'string' }] },
    })
    .withTransformation({ id: 'joinByField', options: { byField: 'code', mode: 'inner' } })
    .view(opts({ id: MapCenterID.Coords, lat: 35, lon: 104, zoom: 3.4 }))
    .controls(opts({ showZoom: true, mouseWheelZoom: true }))
    .basemap(opts({ type: 'default', name: 'Basemap' }))
    .layers([
      opts({
        type: 'markers',
        name: p('province', lang),
        tooltip: true,
        location: { mode: FrameGeometrySourceMode.Coords, latitude: 'lat', longitude: 'lon' },
        config: {
          showLegend: true,
          style: {
            size: { field: 'value', fixed: 8, min: 6, max: 24 },
            color: { field: 'value', fixed: 'dark-green' },
            text: { field: 'name', mode: 'field', fixed: '' },
            textConfig: { fontSize: 11, offsetY: -14, textAlign: 'center', textBaseline: 'middle' },
          },
        },
      }),
    ])
    .tooltip(opts({ mode: TooltipMode.Details }))
    .dataLinks([provinceDataLink(lang, '${__data.fields.code}')])
    .gridPos(pos);
}
