/** @module The provisioned datasources every dashboard refers to, by fixed uid (provisioning.ts writes the same uids). */
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';

/** InfluxDB 1.x queried with InfluxQL (records and indicator values). */
export const INFLUX: DataSourceRef = { type: 'influxdb', uid: 'dims-influxdb' };
/** Prometheus scraping the hubs and the agents, evaluating the dims rules. */
export const PROM: DataSourceRef = { type: 'prometheus', uid: 'dims-prometheus' };
/** Alertmanager receiving the alerts of the dims rules. */
export const ALERTMANAGER: DataSourceRef = { type: 'alertmanager', uid: 'dims-alertmanager' };
/**
 * Grafana's built-in TestData source, used only for its static CSV scenario: the province map needs the
 * registry coordinates as a data frame, and neither InfluxDB nor Prometheus holds them.
 */
export const REGISTRY: DataSourceRef = { type: 'grafana-testdata-datasource', uid: 'dims-registry' };
/** Grafana's pseudo datasource for panels whose targets name their own datasource. */
export const MIXED: DataSourceRef = { type: 'datasource', uid: '-- Mixed --' };

/** Uids a panel or target may use; the structural check refuses any other. */
export const PROVISIONED_UIDS: readonly string[] = [INFLUX, PROM, ALERTMANAGER, REGISTRY].map((d) => d.uid as string);
