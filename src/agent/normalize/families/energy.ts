/**
 * @module Energy and water: additive counters per role (facility, IT, cooling, green, heat reuse), the loss
 * between loss-input and loss-output meters, and water. Emitted only when every contributing target has a
 * measured delta: a partial sum would be a wrong number.
 */
import type { RoleName } from '../../config/types.ts';
import type { MetricFamily } from './family.ts';
import { select } from './interval.ts';

const ENERGY_ROLES: Partial<Record<RoleName, string>> = {
  facility: 'e_total_kwh',
  it: 'e_it_kwh',
  cooling: 'e_cooling_kwh',
  green: 'e_green_direct_kwh',
  heat_reuse: 'heat_reused_kwh',
};

export const energy: MetricFamily = {
  name: 'energy and water',
  build(iv) {
    for (const [role, metric] of Object.entries(ENERGY_ROLES) as Array<[RoleName, string]>) {
      const v = iv.additive(iv.bindings(role), (tr, b) => iv.energyOf(tr, b, metric));
      if (v !== undefined) iv.set(metric, v);
    }
    const lossIn = iv.bindings('loss_input');
    const lossOut = iv.bindings('loss_output');
    if (lossIn.length > 0 && lossOut.length > 0) {
      const a = iv.additive(lossIn, (tr, b) => iv.energyOf(tr, b, 'e_loss_kwh'));
      const c = iv.additive(lossOut, (tr, b) => iv.energyOf(tr, b, 'e_loss_kwh'));
      // A loss is never negative; meter tolerance can make input read slightly under output.
      if (a !== undefined && c !== undefined) iv.set('e_loss_kwh', Math.max(0, a - c));
    }
    const water = iv.additive(iv.bindings('water'), (tr, b) =>
      iv.counterSum(select(tr.counters.values(), 'water_m3', b, true)),
    );
    if (water !== undefined) iv.set('water_m3', water);
  },
};
