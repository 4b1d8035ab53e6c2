/**
 * @module Racks in use: the time-weighted number of racks drawing more than `rack_in_use_watts`, from rack PDUs
 * (one rack per target, or one per outlet device with `rack_per_device`).
 */
import { combine, integrate, type GaugeSeries } from '../gauge.ts';
import type { MetricFamily } from './family.ts';
import { select, type Interval } from './interval.ts';

export const racks: MetricFamily = {
  name: 'racks in use',
  build(iv) {
    const byRack = rackPower(iv);
    const flat: GaugeSeries[] = [];
    const owner: number[] = [];
    [...byRack.values()].forEach((list, i) => {
      for (const s of list) {
        flat.push(s);
        owner.push(i);
      }
    });
    if (flat.length === 0) return;
    const gap = iv.config.scrapeIntervalMs * 2.5;
    const n = byRack.size;
    const threshold = iv.config.rackInUseWatts;
    const counts = combine(
      flat,
      iv.start,
      iv.end,
      (values) => {
        const perRack = new Array<number>(n).fill(0);
        values.forEach((v, i) => (perRack[owner[i]!]! += v));
        return perRack.filter((w) => w > threshold).length;
      },
      gap,
    );
    const st = integrate(counts, gap, iv.start, iv.end);
    if (st.mean !== undefined) iv.set('racks_in_use', st.mean);
  },
};

/** The power series of each rack. */
function rackPower(iv: Interval): Map<string, GaugeSeries[]> {
  const out = new Map<string, GaugeSeries[]>();
  for (const { tr, b } of iv.bindings('rack')) {
    const t = tr.target;
    if (t.rackPerDevice) {
      for (const g of select(tr.gauges.values(), 'power_watts', b, false)) {
        if (g.device === '') continue;
        out.set(`${t.id}/${g.device}`, [g.series]);
      }
    } else if (t.rack !== undefined) {
      const list = out.get(t.rack) ?? [];
      list.push(...select(tr.gauges.values(), 'power_watts', b, true).map((g) => g.series));
      out.set(t.rack, list);
    }
  }
  return out;
}
