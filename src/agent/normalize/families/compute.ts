/**
 * @module CPU and accelerator usage. CPU core-hours busy and available from the busy/total CPU-second counters;
 * accelerator device-hours counting the time each device was observed (so busy/available stays a ratio over
 * the same devices even when an exporter misses a scrape), allocated and scheduled hours, the domestic share,
 * PFLOP-hours delivered and the idle devices.
 */
import type { MetricFamily } from './family.ts';
import { select } from './interval.ts';

const MS_PER_H = 3_600_000;

export const cpuUsage: MetricFamily = {
  name: 'CPU usage',
  build(iv) {
    let busy = 0;
    let total = 0;
    let any = false;
    let ok = true;
    for (const { tr, b } of iv.bindings('compute')) {
      const cpu = select(tr.counters.values(), 'cpu_seconds', b, false);
      if (cpu.length === 0) continue;
      any = true;
      const bs = iv.counterSum(cpu.filter((c) => c.labels.mode === 'busy'));
      const ts = iv.counterSum(cpu.filter((c) => c.labels.mode === 'total'));
      if (bs === undefined || ts === undefined) {
        ok = false;
        iv.missing.add(tr.target.id);
      } else {
        busy += bs;
        total += ts;
      }
    }
    if (any && ok) {
      iv.set('cpu_core_h_busy', busy / 3600);
      iv.set('cpu_core_h_avail', total / 3600);
    }
  },
};

export const acceleratorUsage: MetricFamily = {
  name: 'accelerator usage',
  build(iv) {
    const acc = { avail: 0, busy: 0, alloc: 0, sched: 0, domAvail: 0, domBusy: 0, pflopH: 0, idle: 0, devices: 0 };
    for (const { tr, b } of iv.bindings('compute')) {
      for (const g of select(tr.gauges.values(), 'accel_utilization', b, false)) {
        acc.devices++;
        const st = g.series.stats(iv.start, iv.end);
        if (st.covered === 0) continue;
        const availH = st.covered / MS_PER_H;
        const busyH = st.integral / MS_PER_H;
        const chip = iv.classify('accelerator', g.labels);
        acc.avail += availH;
        acc.busy += busyH;
        if (g.alloc) acc.alloc += g.alloc.stats(iv.start, iv.end).integral / MS_PER_H;
        if (g.sched) acc.sched += g.sched.stats(iv.start, iv.end).integral / MS_PER_H;
        if (chip.domestic) {
          acc.domAvail += availH;
          acc.domBusy += busyH;
        }
        acc.pflopH += (busyH * (chip.peak.fp16 ?? 0)) / 1000;
        if ((st.mean ?? 0) < iv.config.accelIdleUtilization) acc.idle++;
      }
    }
    if (acc.devices === 0) return;
    iv.set('accel_dev_h_avail', acc.avail);
    iv.set('accel_dev_h_busy', acc.busy);
    iv.set('accel_dev_h_alloc', acc.alloc);
    if (iv.config.schedNamespaces) iv.set('accel_dev_h_sched', acc.sched);
    iv.set('accel_dom_dev_h_avail', acc.domAvail);
    iv.set('accel_dom_dev_h_busy', acc.domBusy);
    iv.set('pflop_h_delivered', acc.pflopH);
    iv.metrics.accel_idle = acc.idle;
  },
};
