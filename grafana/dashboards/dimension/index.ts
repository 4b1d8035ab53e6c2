/** @module One dashboard per dimension: each indicator's national value beside its value in every province. */
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Catalog, Dimension } from '../../../src/catalog/types.ts';
import { baseDashboard } from '../../lib/dashboard.ts';
import { DIMENSIONS, p, tr, type Lang } from '../../lib/i18n.ts';
import { indicatorByCode, indicatorStat } from '../../lib/indicator-panels.ts';
import { Grid } from '../../lib/layout.ts';
import { UIDS } from '../../lib/links.ts';
import { indicatorTitle } from '../../lib/panels.ts';

export function dimensionDashboard(catalog: Catalog, dim: Dimension, lang: Lang): Dashboard {
  const grid = new Grid();
  const title = `${p('dimensionTitle', lang)} ${dim} · ${tr(DIMENSIONS[dim], lang)}`;
  const dash = baseDashboard(UIDS.dimension(dim), title, p('dimensionDesc', lang), lang, ['dimension']);
  for (const ind of catalog.indicators.filter((i) => i.dimension === dim)) {
    dash.withRow(new RowBuilder(indicatorTitle(ind, lang)).gridPos(grid.row()));
    dash.withPanel(indicatorStat(ind, lang, grid.place(6, 7)));
    dash.withPanel(indicatorByCode(ind, lang, grid.place(18, 7), 'province'));
  }
  return dash.build();
}
