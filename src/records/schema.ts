/**
 * @module The center-record JSON Schema, generated from the raw-metric dictionary so the published
 * schema (indicators/schema/center-record.schema.json) always lists exactly the metrics records may carry.
 */
import type { Catalog } from '../catalog/types.ts';

/** Metric ids a record with this source may carry. */
export function recordMetricIds(catalog: Catalog, source: 'telemetry' | 'declaration'): string[] {
  return catalog.metrics.filter((m) => m.source === source && m.kind !== 'histogram').map((m) => m.id);
}

/** Builds the center-record schema for the catalog. */
export function centerRecordSchema(catalog: Catalog): object {
  const scalar = catalog.metrics.filter((m) => m.source !== 'registry' && m.kind !== 'histogram');
  const hist = catalog.metrics.filter((m) => m.kind === 'histogram');
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://dims.invalid/schema/center-record.schema.json',
    title: 'dims center record',
    description:
      'One center, one half-open interval [start, end). Deltas are increases over the interval, gauges interval statistics ' +
      '(time-weighted mean or maximum), snapshots the value at end, histograms counts per fixed bucket. center + start (+ source) ' +
      'identify a record: a replay changes nothing. Telemetry intervals are whole seconds that divide an hour (1 s … 1 min, ' +
      '5 min, 10 min, 15 min, 30 min, 1 h) and start on a multiple of their length counted from 1970-01-01T00:00Z, so a ' +
      "center's records tile every hour; telemetry of one center must not overlap (a replay of the same start is not an " +
      'overlap). Declarations span up to a year. Generated from indicators/raw-metrics.yaml; do not edit.',
    type: 'object',
    additionalProperties: false,
    required: ['center', 'start', 'end', 'metrics'],
    properties: {
      center: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'Registry id of the center.' },
      start: {
        type: 'string',
        format: 'date-time',
        description:
          'Interval start (RFC 3339), inclusive. Telemetry: a multiple of the interval counted from 1970-01-01T00:00Z ' +
          '(a 5 min record starts at :00, :05 …).',
      },
      end: {
        type: 'string',
        format: 'date-time',
        description:
          'Interval end (RFC 3339), exclusive; after start. Telemetry: end − start is whole seconds dividing an ' +
          'hour (1 s to 1 h; not 7 min, not 2 h). Declarations: at most a year.',
      },
      source: {
        enum: ['telemetry', 'declaration'],
        default: 'telemetry',
        description: 'telemetry from an agent, declaration from a periodic filing.',
      },
      key: {
        type: 'string',
        maxLength: 200,
        description: 'Optional explicit idempotency key; defaults to center/start.',
      },
      metrics: {
        type: 'object',
        description:
          'Values keyed by raw metric id, in the dictionary unit. Telemetry records carry telemetry metrics; declarations carry declaration metrics.',
        propertyNames: { enum: scalar.map((m) => m.id) },
        properties: Object.fromEntries(
          scalar.map((m) => [
            m.id,
            {
              type: m.unit === 'bool' ? ['boolean', 'number'] : 'number',
              description: `${m.en} (${m.unit}, ${m.kind}${m.stat ? ` ${m.stat}` : ''}, ${m.source})`,
            },
          ]),
        ),
      },
      histograms: {
        type: 'object',
        propertyNames: { enum: hist.map((m) => m.id) },
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          required: ['bounds', 'counts'],
          properties: {
            bounds: {
              type: 'array',
              items: { type: 'number' },
              description: 'Upper bucket bounds, exactly the dictionary bounds.',
            },
            counts: {
              type: 'array',
              items: { type: 'integer', minimum: 0 },
              description: 'One count per bound plus one for +Inf.',
            },
          },
        },
      },
      rollup: {
        type: 'object',
        additionalProperties: false,
        required: ['aux', 'records', 'covered_ms'],
        description:
          'Only from a provincial hub forwarding hour roll-ups (federation.forward: rollups): the record is one ' +
          "center's telemetry of one hour merged as this contract says (deltas added, means time-weighted, maxima, " +
          'the latest snapshot, buckets added), and this is what lets roll-ups merge exactly as their records would.',
        properties: {
          aux: {
            type: 'object',
            additionalProperties: { type: 'number' },
            description:
              'Per metric: for a time-weighted mean, the milliseconds of data behind it; for a snapshot, the end ' +
              '(ms since 1970) of the record it came from; for a delta, the milliseconds its records covered, given ' +
              "only when some of the hour's records lacked it (else covered_ms).",
          },
          records: { type: 'integer', minimum: 0, description: 'Telemetry records that started in the hour.' },
          covered_ms: { type: 'number', minimum: 0, description: 'Milliseconds of the hour covered by telemetry.' },
          first_start: { type: 'string', format: 'date-time', description: 'Earliest start of those records.' },
          last_end: { type: 'string', format: 'date-time', description: 'Latest end of those records.' },
        },
      },
      quality: {
        type: 'object',
        additionalProperties: false,
        properties: {
          targets_expected: { type: 'integer', minimum: 0 },
          targets_missing: {
            type: 'array',
            items: { type: 'string' },
            description: 'Targets that gave no usable reading this interval.',
          },
          metrics_missing: {
            type: 'array',
            items: { type: 'string' },
            description:
              'Metrics left out because a contributing target had no reading (never filled with an invented number).',
          },
          estimated: {
            type: 'array',
            items: { type: 'string' },
            description: 'Metrics derived rather than metered (e.g. energy integrated from power).',
          },
        },
      },
    },
  };
}
