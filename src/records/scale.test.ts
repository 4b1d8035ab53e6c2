/** @module Scaling a model center's metrics to the whole center: extensive quantities grow, intensive ones stay. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCatalog } from '../catalog/load.ts';
import { scaleMetrics } from './scale.ts';

test('energy, water, traffic, peak power, racks, inventory, hours and PFLOPS scale; temperatures and incidents do not', () => {
  const m = scaleMetrics(
    defaultCatalog(),
    {
      e_total_kwh: 1.5,
      water_m3: 0.25,
      traffic_in_tb: 0.01,
      p_total_kw_max: 12,
      racks_in_use: 4,
      servers_total: 10,
      accel_dev_h_busy: 2,
      cpu_core_h_avail: 64,
      pf_accel_fp16: 0.5,
      pflop_h_delivered: 0.1,
      inlet_temp_c_max: 27.5,
      security_incidents: 1,
      outage_min_unplanned: 5,
      mlps_l3_valid: true,
    },
    400,
  );
  assert.deepEqual(m, {
    e_total_kwh: 600,
    water_m3: 100,
    traffic_in_tb: 4,
    p_total_kw_max: 4800,
    racks_in_use: 1600,
    servers_total: 4000,
    accel_dev_h_busy: 800,
    cpu_core_h_avail: 25_600,
    pf_accel_fp16: 200,
    pflop_h_delivered: 40,
    inlet_temp_c_max: 27.5,
    security_incidents: 1,
    outage_min_unplanned: 5,
    mlps_l3_valid: true,
  });
});
