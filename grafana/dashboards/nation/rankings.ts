/** @module Province rankings of the chosen indicator: a table sorted by value, province names from the registry, a link per row. */
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { MappingType, type GridPos, type ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { BarGaugeDisplayMode, TableCellDisplayMode } from '@grafana/grafana-foundation-sdk/common';
import { opts } from '../../lib/cog.ts';
import type { Catalog } from '../../../src/catalog/types.ts';
import { INFLUX } from '../../lib/datasources.ts';
import { p, type Lang } from '../../lib/i18n.ts';
import { InfluxQL, lastValueByCode } from '../../lib/influxql.ts';
import { provinceDataLink } from '../../lib/links.ts';

/** Value mapping code → province name, from indicators/reference/provinces.yaml. */
export function provinceNames(catalog: Catalog, lang: Lang): ValueMapping[] {
  const options: Record<string, { text: string; index: number }> = {};
  catalog.provinces.forEach((pr, index) => {
    options[pr.code] = { text: lang === 'zh' ? pr.zh : pr.en, index };
  });
  return [{ type: MappingType.ValueToText, options }];
}

export function rankingsTable(catalog: Catalog, lang: Lang, pos: GridPos): TablePanel {
  return (
    new TablePanel()
      .title(p('rankings', lang))
      .description(p('rankingsDesc', lang))
      .datasource(INFLUX)
      .withTarget(new InfluxQL(lastValueByCode({ indicator: '$indicator', level: 'province' })).refId('A').table())
      // Time is the value's window start; it says nothing in a ranking.
      .withTransformation({
        id: 'organize',
        options: { excludeByName: { Time: true }, renameByName: { code: p('province', lang), value: '$indicator' } },
      })
      .sortBy([opts({ displayName: '$indicator', desc: true })])
      .cellOptions({ type: TableCellDisplayMode.Gauge, mode: BarGaugeDisplayMode.Gradient })
      .overrideByName('code', [
        { id: 'mappings', value: provinceNames(catalog, lang) },
        { id: 'links', value: [provinceDataLink(lang, '${__data.fields.code}').build()] },
        { id: 'custom.cellOptions', value: { type: TableCellDisplayMode.Auto } },
      ])
      .gridPos(pos)
  );
}
