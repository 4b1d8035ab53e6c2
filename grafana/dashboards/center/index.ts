/**
 * @module The center dashboard: one center from its raw records (power, energy, cooling, water, inlet
 * temperatures, chip inventory) and its center-level utilization values, over time.
 */
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Catalog } from '../../../src/catalog/types.ts';
import { baseDashboard } from '../../lib/dashboard.ts';
import { p, type Lang } from '../../lib/i18n.ts';
import { Grid } from '../../lib/layout.ts';
import { UIDS } from '../../lib/links.ts';
import { centerVariable, provinceVariable } from '../../lib/variables.ts';
import {
  chipsPanel,
  coolingPanel,
  energyPanel,
  inletPanel,
  powerPanel,
  utilizationPanel,
  waterPanel,
} from './sections.ts';

export function centerDashboard(catalog: Catalog, lang: Lang): Dashboard {
  const grid = new Grid();
  const dash = baseDashboard(UIDS.center, p('centerTitle', lang), p('centerDesc', lang), lang, ['center'])
    .withVariable(provinceVariable(lang))
    .withVariable(centerVariable(lang));
  dash.withRow(new RowBuilder(`${p('power', lang)} · ${p('energy', lang)}`).gridPos(grid.row()));
  dash.withPanel(powerPanel(catalog, lang, grid.place(12, 8)));
  dash.withPanel(energyPanel(catalog, lang, grid.place(12, 8)));
  dash.withRow(new RowBuilder(`${p('cooling', lang)} · ${p('water', lang)} · ${p('inlet', lang)}`).gridPos(grid.row()));
  dash.withPanel(coolingPanel(catalog, lang, grid.place(8, 8)));
  dash.withPanel(waterPanel(catalog, lang, grid.place(8, 8)));
  dash.withPanel(inletPanel(catalog, lang, grid.place(8, 8)));
  dash.withRow(new RowBuilder(`${p('utilization', lang)} · ${p('chips', lang)}`).gridPos(grid.row()));
  dash.withPanel(utilizationPanel(catalog, lang, grid.place(14, 8)));
  dash.withPanel(chipsPanel(catalog, lang, grid.place(10, 8)));
  return dash.build();
}
