/** @module The province dashboard: a province variable, its centers (linking to the center page), and its 60 indicators against the nation. */
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Catalog, Dimension } from '../../../src/catalog/types.ts';
import { baseDashboard } from '../../lib/dashboard.ts';
import { DIMENSIONS, p, tr, type Lang } from '../../lib/i18n.ts';
import { indicatorVsNation } from '../../lib/indicator-panels.ts';
import { Grid } from '../../lib/layout.ts';
import { UIDS } from '../../lib/links.ts';
import { provinceVariable } from '../../lib/variables.ts';
import { centersTable, recordAgeTable } from './centers.ts';

const DIMS: Dimension[] = ['A', 'B', 'C', 'D'];

export function provinceDashboard(catalog: Catalog, lang: Lang): Dashboard {
  const grid = new Grid();
  const dash = baseDashboard(UIDS.province, p('provinceTitle', lang), p('provinceDesc', lang), lang, [
    'province',
  ]).withVariable(provinceVariable(lang));
  dash.withRow(new RowBuilder(p('centers', lang)).gridPos(grid.row()));
  dash.withPanel(centersTable(lang, grid.place(14, 10)));
  dash.withPanel(recordAgeTable(lang, grid.place(10, 10)));
  for (const d of DIMS) {
    dash.withRow(new RowBuilder(`${d} ${tr(DIMENSIONS[d], lang)} · ${p('vsNation', lang)}`).gridPos(grid.row()));
    for (const ind of catalog.indicators.filter((i) => i.dimension === d && i.levels.includes('province')))
      dash.withPanel(indicatorVsNation(ind, lang, grid.place(6, 7), '$province'));
  }
  return dash.build();
}
