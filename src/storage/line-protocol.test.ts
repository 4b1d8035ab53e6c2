/** @module The direct record encoder gives the same bytes as the schema's point path, and request bodies join lines exactly. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBody, encodePoint, encodeRecord, encodeRecords, encodeValue, encodeValues } from './line-protocol.ts';
import { recordToPoint } from './influx/schema.ts';
import { checkRecord } from './common.ts';
import { makeRecord, makeValue } from './contract.test-suite.ts';
import type { StoredRecord } from './types.ts';

/** Records that exercise every branch of the encoder: escaping, optional tags, histograms, number forms. */
function representative(): StoredRecord[] {
  return [
    makeRecord(),
    makeRecord({ histograms: undefined }),
    makeRecord({ histograms: {} }),
    makeRecord({ center: "x' OR 1=1 --", province: 'a,b=c d' }),
    makeRecord({ center: 'quote"d', province: '' }),
    makeRecord({
      center: '贵州-数据中心 1',
      province: '52',
      source: 'declaration',
      metrics: { e_total_kwh: 1e21, water_m3: 1e-7, inlet_temp_c_mean: -3.5 },
    }),
    makeRecord({ metrics: {} }),
    makeRecord({ metrics: { racks_in_use: 0, e_it_kwh: 0.1 + 0.2 } }),
    makeRecord({
      histograms: {
        lat_region_hist: { bounds: [1, 2.5], counts: [4, 0, 9] },
        lat_city_hist: { bounds: [0.25, 10], counts: [1, 2, 3] },
      },
    }),
  ];
}

describe('line protocol', () => {
  it('encodeRecord gives byte-identical lines to encodePoint(recordToPoint(r))', () => {
    for (const r of representative()) {
      checkRecord(r);
      assert.equal(encodeRecord(r), encodePoint(recordToPoint(r)));
    }
  });

  it('escapes tag values and quotes string fields', () => {
    const line = encodeRecord(
      makeRecord({ center: 'a b,c=d', province: 'p"q', histograms: undefined, metrics: { e_total_kwh: 2 } }),
    );
    assert.equal(
      line,
      `center_record,center=a\\ b\\,c\\=d,province=p"q,source=telemetry ` +
        `e_total_kwh=2,end_ms=${makeRecord().endMs},metric_ids="e_total_kwh",histograms="" ` +
        `${makeRecord().startMs}`,
    );
  });

  it('encodeBody joins the lines with newlines as UTF-8, the same bytes as the joined string', () => {
    const records = representative();
    assert.deepEqual(encodeBody(records, encodeRecord), Buffer.from(encodeRecords(records)));
    const values = [makeValue(), makeValue({ reason: 'no_data', value: null, unit: 'device·h "x" \\ y' })];
    assert.deepEqual(encodeBody(values, encodeValue), Buffer.from(encodeValues(values)));
    assert.equal(encodeBody([], encodeRecord).length, 0);
  });

  it('encodeBody grows past its first estimate and joins its chunks exactly (long, multi-byte and many lines)', () => {
    const long = [makeRecord({ center: '中'.repeat(2000) }), makeRecord({ center: 'b'.repeat(5000), province: '' })];
    assert.deepEqual(encodeBody(long, encodeRecord), Buffer.from(encodeRecords(long)));
    const many = Array.from({ length: 900 }, (_, i) =>
      makeRecord({ center: `${'数'.repeat(i % 300)}-${i}`, startMs: makeRecord().startMs + i * 60_000 }),
    );
    const body = encodeBody(many, encodeRecord);
    assert.ok(body.length > 500_000, 'spans several chunks and outgrows 512 bytes per line');
    assert.deepEqual(body, Buffer.from(encodeRecords(many)));
  });
});
