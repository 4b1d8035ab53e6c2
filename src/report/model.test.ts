/** @module The report model on a fleet with known answers: ranks, changes, targets, quality, suppression, no data. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineInputs } from './inputs.ts';
import { applicableTarget, buildReport, ReportRequestError, type ReportModel } from './model.ts';
import { knownFleet } from './testing.ts';
import { evaluate, memorySource } from '../engine/evaluate.ts';
import { periodWindow } from '../model/periods.ts';

const fleet = knownFleet();
const inputs = engineInputs(fleet);
const AT = '2026-11-01T03:30:00+08:00';

const row = (m: ReportModel, id: string) => m.summary.find((r) => r.indicator === id)!;
const close = (a: number | null, b: number, msg?: string) =>
  assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${msg ?? ''} ${a} ≠ ${b}`);

test('province summary: value, target met, tie rank, changes against the previous month and a year earlier', async () => {
  const m = await buildReport(inputs, { scope: '44', period: '2026-10', generatedAt: AT });
  assert.equal(m.summary.length, 60);
  const pue = row(m, 'pue');
  close(pue.value, 1.4);
  assert.equal(pue.target_status, 'met');
  assert.equal(pue.target?.text, '≤ 1.5 (S7)');
  // 44 and 52 both pool to 1.4: they share rank 1; Beijing has no value and is not ranked.
  assert.equal(pue.rank, 1);
  assert.equal(pue.rank_of, 2);
  assert.equal(pue.previous.period, '2026-09');
  close(pue.previous.value, 1.5);
  close(pue.previous.change, -0.1);
  close(pue.previous.change_pct, (-0.1 / 1.5) * 100);
  assert.equal(pue.year_ago.period, '2025-10');
  close(pue.year_ago.value, 1.6);
  close(pue.year_ago.change, -0.2);
  close(pue.year_ago.change_pct, -12.5);
  const z = await buildReport(inputs, { scope: '52', period: '2026-10', generatedAt: AT });
  assert.equal(row(z, 'pue').rank, 1);
  // No September data for 52: the change is empty, not a change from 0.
  assert.equal(row(z, 'pue').previous.value, null);
  assert.equal(row(z, 'pue').previous.change, null);
});

test('ranks follow each indicator direction and share ties, for every indicator', async () => {
  const values = await evaluate({
    catalog: fleet.catalog,
    registry: fleet.registry,
    window: periodWindow('month', '2026-10'),
    source: memorySource(fleet.records),
  });
  // Electricity is monitor-only (largest first): 44 used 4.2 GWh… more than 52's 2.8 GWh.
  const g = await buildReport(inputs, { scope: '44', period: '2026-10', generatedAt: AT });
  const z = await buildReport(inputs, { scope: '52', period: '2026-10', generatedAt: AT });
  assert.equal(row(g, 'electricity_gwh').rank, 1);
  assert.equal(row(z, 'electricity_gwh').rank, 2);
  for (const ind of fleet.catalog.indicators) {
    const prov = values.filter((v) => v.level === 'province' && v.indicator === ind.id && v.value !== null);
    const own = prov.find((v) => v.code === '44');
    const r = row(g, ind.id);
    if (!own) {
      assert.equal(r.rank, null, ind.id);
      continue;
    }
    const better = prov.filter(
      (v) =>
        (ind.direction === 'lower' ? v.value! < own.value! : v.value! > own.value!) &&
        Math.abs(v.value! - own.value!) > 1e-9 * Math.max(1, Math.abs(own.value!)),
    );
    assert.equal(r.rank, better.length + 1, `${ind.id}: rank`);
    assert.equal(r.rank_of, prov.length, `${ind.id}: ranked`);
  }
});

test('centers breakdown marks each center against the target that applies to centers', async () => {
  const m = await buildReport(inputs, { scope: '52', period: '2026-10', generatedAt: AT });
  assert.equal(m.breakdown.level, 'center');
  assert.deepEqual(
    m.breakdown.rows.map((r) => r.code),
    ['z1', 'z2'],
  );
  const col = m.breakdown.indicators.indexOf('pue');
  assert.equal(m.breakdown.targets[col]?.text, '≤ 1.5 (S7)');
  close(m.breakdown.rows[0]!.cells[col]!.value, 1.2);
  assert.equal(m.breakdown.rows[0]!.cells[col]!.target_status, 'met');
  close(m.breakdown.rows[1]!.cells[col]!.value, 1.6);
  assert.equal(m.breakdown.rows[1]!.cells[col]!.target_status, 'missed');
  assert.ok(!m.breakdown.indicators.includes('dc_count'), 'province-only indicators have no center column');
});

test('targets of totals apply only at their own level; shares, ratios and "none at all" apply everywhere', () => {
  const ind = (id: string) => fleet.catalog.indicatorById.get(id)!;
  assert.equal(applicableTarget(ind('compute_total_ef'), 'province'), undefined, '300 EFLOPS is a national total');
  assert.ok(applicableTarget(ind('compute_total_ef'), 'nation'));
  assert.ok(applicableTarget(ind('pue'), 'center'));
  assert.equal(
    applicableTarget(ind('it_rated_mw'), 'center'),
    undefined,
    'the EU 500 kW reporting threshold is an anchor, not a target',
  );
  assert.equal(
    applicableTarget(ind('racks_installed'), 'nation'),
    undefined,
    '10.85 M racks is an actual figure, not a target',
  );
  assert.ok(applicableTarget(ind('pue_gt_1_5_count'), 'province'));
  assert.equal(applicableTarget(ind('electricity_gwh'), 'nation'), undefined, 'monitor only');
});

test('data quality: not reported, late, downtime and missing declarations, by center and by province', async () => {
  const g = await buildReport(inputs, { scope: '44', period: '2026-10', generatedAt: AT });
  assert.deepEqual(
    g.quality.centers.map((c) => c.center),
    ['g3'],
  );
  const g3 = g.quality.centers[0]!;
  assert.deepEqual(g3.issues, ['late', 'downtime', 'declaration_missing']);
  assert.equal(g3.downtime_hours, 24);
  assert.ok(Math.abs(g3.time_coverage! - 30 / 31) < 1e-6, 'the engine rounds coverage to 6 places');
  assert.equal(g3.last_data, '2026-10-30T16:00:00.000Z');
  const filings = fleet.catalog.metrics
    .filter((x) => x.source === 'declaration')
    .map((x) => x.id)
    .sort();
  assert.deepEqual(g3.declarations_missing, filings);
  assert.equal(g.coverage.centers_expected, 3);
  assert.equal(g.coverage.centers_reported, 3);
  assert.equal(g.coverage.has_data, true);

  const n = await buildReport(inputs, { scope: 'nation', period: '2026-10', generatedAt: AT });
  const b1 = n.quality.centers.find((c) => c.center === 'b1')!;
  assert.deepEqual(b1.issues, ['not_reported']);
  assert.equal(b1.downtime_hours, 31 * 24);
  const bj = n.quality.provinces.find((p) => p.province === '11')!;
  assert.deepEqual(
    { ...bj, name: '' },
    {
      province: '11',
      name: '',
      centers_expected: 1,
      centers_reported: 0,
      not_reported: 1,
      late: 0,
      downtime: 0,
      declaration_missing: 0,
    },
  );
  const gd = n.quality.provinces.find((p) => p.province === '44')!;
  assert.equal(gd.late, 1);
  assert.equal(n.coverage.centers_expected, 6);
  assert.equal(n.coverage.centers_reported, 5);
});

test('a report before the period closes does not call anyone late', async () => {
  const m = await buildReport(inputs, { scope: '44', period: '2026-10', generatedAt: '2026-10-31T12:00:00+08:00' });
  assert.equal(m.period.closed, false);
  assert.ok(!m.quality.centers.some((c) => c.issues.includes('late')));
});

test('national report: nation values, every province, ranks in the breakdown, no rank for the nation', async () => {
  const n = await buildReport(inputs, { scope: 'nation', period: '2026-10', generatedAt: AT });
  assert.equal(n.level, 'nation');
  assert.equal(n.scope.code, 'CN');
  close(row(n, 'pue').value, 7 / 5);
  assert.equal(row(n, 'pue').rank, null);
  assert.equal(n.breakdown.level, 'province');
  assert.equal(n.breakdown.rows.length, 31);
  const col = n.breakdown.indicators.indexOf('pue');
  const gd = n.breakdown.rows.find((r) => r.code === '44')!;
  assert.equal(gd.cells[col]!.rank, 1);
  assert.equal(n.suppression.enabled, false);
});

test('small-cell suppression hides province values of fewer than 3 centers, and only in the national report', async () => {
  const open = await buildReport(inputs, { scope: 'nation', period: '2026-10', generatedAt: AT });
  const hid = await buildReport(inputs, { scope: 'nation', period: '2026-10', generatedAt: AT, suppress: true });
  assert.equal(hid.suppression.enabled, true);
  assert.equal(hid.suppression.min_centers, 3);
  let hidden = 0;
  hid.breakdown.rows.forEach((r, i) => {
    r.cells.forEach((c, j) => {
      const o = open.breakdown.rows[i]!.cells[j]!;
      const must = o.value !== null && o.centers < 3;
      assert.equal(c.suppressed, must, `${r.code} ${hid.breakdown.indicators[j]}`);
      if (must) {
        hidden++;
        assert.equal(c.value, null);
        assert.equal(c.rank, null);
        assert.equal(c.reason, 'suppressed');
      } else assert.equal(c.value, o.value);
    });
  });
  assert.equal(hid.suppression.hidden, hidden);
  const z = hid.breakdown.rows.find((r) => r.code === '52')!;
  assert.equal(z.cells[hid.breakdown.indicators.indexOf('pue')]!.suppressed, true, 'Guizhou has only 2 centers');
  const gd = hid.breakdown.rows.find((r) => r.code === '44')!;
  assert.equal(gd.cells[hid.breakdown.indicators.indexOf('pue')]!.suppressed, false, 'Guangdong has 3');
  // The national value itself is not a breakdown.
  assert.deepEqual(hid.summary, open.summary);
  // A provincial report has no cross-province breakdown to hide.
  const p = await buildReport(inputs, { scope: '52', period: '2026-10', generatedAt: AT, suppress: true });
  assert.equal(p.suppression.enabled, false);
  assert.ok(p.breakdown.rows.every((r) => r.cells.every((c) => !c.suppressed)));
});

test('a period with no data says so and shows empty values, never zeros', async () => {
  const m = await buildReport(inputs, { scope: '44', period: '2027-01', generatedAt: '2027-02-01T03:30:00+08:00' });
  assert.equal(m.coverage.has_data, false);
  assert.equal(m.coverage.centers_reported, 0);
  for (const id of ['pue', 'electricity_gwh', 'it_load_util', 'sec_incidents']) {
    assert.equal(row(m, id).value, null, id);
    assert.ok(row(m, id).reason, id);
  }
  assert.deepEqual(
    m.quality.centers.map((c) => [c.center, c.issues.join()]),
    [
      ['g1', 'not_reported'],
      ['g2', 'not_reported'],
      ['g3', 'not_reported'],
    ],
  );
  // Nothing stored at all (a hub that has not closed the period): every value is empty, "not computed".
  const empty = await buildReport(
    { ...inputs, values: async () => [], lastTelemetry: async () => [] },
    { scope: '44', period: '2027-01', generatedAt: AT },
  );
  assert.equal(empty.coverage.computed, false);
  assert.ok(empty.summary.every((r) => r.value === null && r.reason === 'not_computed'));
  assert.deepEqual(
    empty.breakdown.rows.map((r) => r.code),
    ['g1', 'g2', 'g3'],
    'the registry still lists the centers',
  );
});

test('bad requests name the field and the value', async () => {
  const bad = async (req: object, field: string) => {
    await assert.rejects(
      buildReport(inputs, { scope: '44', period: '2026-10', generatedAt: AT, ...req }),
      (e: unknown) =>
        e instanceof ReportRequestError &&
        e.field === field &&
        e.message.includes(JSON.stringify((req as Record<string, unknown>)[field])),
    );
  };
  await bad({ scope: '99' }, 'scope');
  await bad({ scope: 'CN' }, 'scope');
  await bad({ period: '2026-13' }, 'period');
  await bad({ period: '2026-10-05' }, 'period');
  await bad({ lang: 'fr' }, 'lang');
  await bad({ generatedAt: 'yesterday' }, 'generatedAt');
});

test('the same request gives the same model; English labels with --lang en', async () => {
  const a = await buildReport(inputs, { scope: '44', period: '2026-Q4', generatedAt: AT });
  const b = await buildReport(inputs, { scope: '44', period: '2026-Q4', generatedAt: AT });
  assert.deepEqual(a, b);
  assert.equal(a.period.kind, 'quarter');
  assert.equal(a.period.previous, '2026-Q3');
  assert.equal(a.period.year_ago, '2025-Q4');
  const en = await buildReport(inputs, { scope: '44', period: '2026', generatedAt: AT, lang: 'en' });
  assert.equal(en.scope.name, fleet.catalog.provinceByCode.get('44')!.en);
  assert.equal(row(en, 'pue').name, fleet.catalog.indicatorById.get('pue')!.name.en);
  assert.equal(en.period.previous, '2025');
});

test('a snapshot filed in an earlier month still stands; deltas must be filed for the period', async () => {
  const f = knownFleet();
  const sept = {
    center: 'g3',
    startMs: Date.parse('2026-09-01T00:00:00+08:00'),
    endMs: Date.parse('2026-10-01T00:00:00+08:00'),
    source: 'declaration' as const,
    metrics: { mlps_l3_valid: 1, important_data_tb: 5, security_incidents: 0 },
  };
  const m = await buildReport(engineInputs({ ...f, records: [...f.records, sept] }), {
    scope: '44',
    period: '2026-10',
    generatedAt: AT,
  });
  const g3 = m.quality.centers.find((c) => c.center === 'g3')!;
  assert.ok(!g3.declarations_missing.includes('mlps_l3_valid'), 'a certification stands until replaced');
  assert.ok(!g3.declarations_missing.includes('important_data_tb'));
  assert.ok(g3.declarations_missing.includes('security_incidents'), 'September incidents say nothing about October');
});
