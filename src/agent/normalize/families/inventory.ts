/**
 * @module Inventory and peak capacity, a snapshot at the interval's end from each inventory target's latest
 * inventory (older than the TTL counts as missing): servers and their domestic-CPU share, accelerators and
 * the domestic ones, and peak PFLOPS from the chip table.
 */
import type { TargetReadings } from '../store.ts';
import type { MetricFamily } from './family.ts';
import type { Interval } from './interval.ts';

interface Totals {
  servers: number;
  domServers: number;
  accel: number;
  domAccel: number;
  cpuFp32: number;
  accFp16: number;
  accFp32: number;
  fp64: number;
  domFp16: number;
}

export const inventory: MetricFamily = {
  name: 'inventory and peak capacity',
  build(iv) {
    const inv: Totals = {
      servers: 0,
      domServers: 0,
      accel: 0,
      domAccel: 0,
      cpuFp32: 0,
      accFp16: 0,
      accFp32: 0,
      fp64: 0,
      domFp16: 0,
    };
    let known = 0;
    for (const { tr } of iv.bindings('inventory')) {
      const snap = tr.inventory;
      if (snap === undefined || snap.t < iv.end - iv.ctx.inventoryTtlMs) {
        iv.missing.add(tr.target.id);
        continue;
      }
      known++;
      addSnapshot(iv, snap, inv);
    }
    if (known === 0) return;
    iv.metrics.servers_total = inv.servers;
    iv.metrics.servers_domestic_cpu = inv.domServers;
    iv.metrics.accel_total = inv.accel;
    iv.metrics.accel_domestic = inv.domAccel;
    // Table figures are TFLOPS; records carry PFLOPS.
    iv.set('pf_general_fp32', inv.cpuFp32 / 1000);
    iv.set('pf_accel_fp16', inv.accFp16 / 1000);
    iv.set('pf_accel_fp32', inv.accFp32 / 1000);
    iv.set('pf_domestic_fp16', inv.domFp16 / 1000);
    // HPC peak counts only at supercomputing centers; elsewhere it is a known zero, not a missing reading.
    if (iv.config.centerType === 'supercomputing') iv.set('pf_hpc_fp64', inv.fp64 / 1000);
    else iv.metrics.pf_hpc_fp64 = 0;
  },
};

/** Adds one target's inventory to the totals. */
function addSnapshot(iv: Interval, snap: NonNullable<TargetReadings['inventory']>, inv: Totals): void {
  let servers = 0;
  let cpus = 0;
  let domCpus = 0;
  for (const s of snap.samples) {
    const kind = s.labels?.kind;
    const n = s.value;
    if (kind === 'server') servers += n;
    else if (kind === 'cpu') {
      const c = iv.classify('cpu', s.labels ?? {});
      cpus += n;
      if (c.domestic) domCpus += n;
      inv.cpuFp32 += n * (c.peak.fp32 ?? 0);
      inv.fp64 += n * (c.peak.fp64 ?? 0);
    } else if (kind === 'accelerator') {
      const c = iv.classify('accelerator', s.labels ?? {});
      inv.accel += n;
      inv.accFp16 += n * (c.peak.fp16 ?? 0);
      inv.accFp32 += n * (c.peak.fp32 ?? 0);
      inv.fp64 += n * (c.peak.fp64 ?? 0);
      if (c.domestic) {
        inv.domAccel += n;
        inv.domFp16 += n * (c.peak.fp16 ?? 0);
      }
    }
  }
  // A BMC or node exporter that lists CPUs but no server count is one server.
  if (servers === 0 && cpus > 0) servers = 1;
  inv.servers += servers;
  if (cpus > 0 && domCpus === cpus) inv.domServers += servers;
}
