/** @module The nation dashboard: the 60 national values in four dimension rows, then rankings, map and coverage. */
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Catalog, Dimension } from '../../../src/catalog/types.ts';
import { baseDashboard } from '../../lib/dashboard.ts';
import { DIMENSIONS, p, tr, type Lang } from '../../lib/i18n.ts';
import { indicatorStat } from '../../lib/indicator-panels.ts';
import { Grid } from '../../lib/layout.ts';
import { UIDS } from '../../lib/links.ts';
import { indicatorVariable } from '../../lib/variables.ts';
import { coveragePanels } from './coverage.ts';
import { provinceMap } from './map.ts';
import { rankingsTable } from './rankings.ts';

const DIMS: Dimension[] = ['A', 'B', 'C', 'D'];

export function nationDashboard(catalog: Catalog, lang: Lang): Dashboard {
  const grid = new Grid();
  const dash = baseDashboard(UIDS.nation, p('nationTitle', lang), p('nationDesc', lang), lang, ['nation']).withVariable(
    indicatorVariable(lang, catalog.indicators),
  );
  for (const d of DIMS) {
    dash.withRow(new RowBuilder(`${d} ${tr(DIMENSIONS[d], lang)}`).gridPos(grid.row()));
    for (const ind of catalog.indicators.filter((i) => i.dimension === d))
      dash.withPanel(indicatorStat(ind, lang, grid.place(4, 4)));
  }
  dash.withRow(
    new RowBuilder(`${p('rankings', lang)} · ${p('map', lang)} · ${p('coverage', lang)}`).gridPos(grid.row()),
  );
  dash.withPanel(rankingsTable(catalog, lang, grid.place(8, 14)));
  dash.withPanel(provinceMap(catalog, lang, grid.place(10, 14)));
  for (const panel of coveragePanels(lang, grid)) dash.withPanel(panel);
  return dash.build();
}
