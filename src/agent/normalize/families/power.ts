/**
 * @module Facility power: the peak of the summed facility power over the interval (p_total_kw_max), and the
 * mean and maximum server inlet temperature (time-weighted over the time actually observed).
 */
import { combine, integrate, type GaugeSeries } from '../gauge.ts';
import type { MetricFamily } from './family.ts';
import { select } from './interval.ts';

export const powerPeak: MetricFamily = {
  name: 'facility power peak',
  build(iv) {
    const facility = iv.bindings('facility');
    if (facility.length === 0) return;
    const series: GaugeSeries[] = [];
    let all = true;
    for (const { tr, b } of facility) {
      const ps = select(tr.gauges.values(), 'power_watts', b, true);
      if (ps.length === 0) all = false;
      series.push(...ps.map((p) => p.series));
    }
    if (!all) return;
    const gap = iv.config.scrapeIntervalMs * 2.5;
    const sum = combine(series, iv.start, iv.end, (v) => v.reduce((x, y) => x + y, 0), gap);
    const st = integrate(sum, gap, iv.start, iv.end);
    if (st.max !== undefined) iv.set('p_total_kw_max', st.max / 1000);
  },
};

export const inletTemperature: MetricFamily = {
  name: 'inlet temperature',
  build(iv) {
    let integral = 0;
    let covered = 0;
    let max: number | undefined;
    for (const { tr, b } of iv.bindings('inlet')) {
      for (const g of select(tr.gauges.values(), 'temperature_celsius', b, false)) {
        const st = g.series.stats(iv.start, iv.end);
        integral += st.integral;
        covered += st.covered;
        if (st.max !== undefined && (max === undefined || st.max > max)) max = st.max;
      }
    }
    if (covered > 0) iv.set('inlet_temp_c_mean', integral / covered);
    if (max !== undefined) iv.set('inlet_temp_c_max', max);
  },
};
