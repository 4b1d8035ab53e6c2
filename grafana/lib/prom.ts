/** @module PromQL targets for the Prometheus datasource (the SDK's builder with dims defaults). */
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PROM } from './datasources.ts';

/** A range PromQL target; `legend` is Grafana's legendFormat (`{{center}}`). */
export function promQuery(expr: string, legend?: string): DataqueryBuilder {
  const q = new DataqueryBuilder().expr(expr).range().datasource(PROM);
  return legend ? q.legendFormat(legend) : q;
}

/** An instant PromQL target (tables, stats). */
export function promInstant(expr: string, legend?: string): DataqueryBuilder {
  const q = new DataqueryBuilder().expr(expr).instant().datasource(PROM);
  return legend ? q.legendFormat(legend) : q;
}
