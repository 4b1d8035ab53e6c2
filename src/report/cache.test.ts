/** @module The rendered-report cache: kept per request, shared while building, dropped when its values change, bounded. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReportCache, type ReportFile, type ReportKey } from './cache.ts';

const key = (scope: string, period: string, over: Partial<ReportKey> = {}): ReportKey => ({
  scope,
  period,
  format: 'xlsx',
  lang: 'zh',
  suppress: false,
  ...over,
});

/** A maker that counts its builds and answers `bytes` bytes named after the build. */
function maker(bytes = 10) {
  let builds = 0;
  const make = async (): Promise<ReportFile & { model?: unknown }> => {
    builds++;
    return { body: Buffer.alloc(bytes, builds), contentType: 'x', fileName: `b${builds}`, model: { big: true } };
  };
  return { make, builds: () => builds };
}

test('a report asked again is sent from the cache; the same report asked while building waits for that build', async () => {
  const c = new ReportCache();
  const m = maker();
  const [a, b] = await Promise.all([c.get(key('52', '2026-10'), m.make), c.get(key('52', '2026-10'), m.make)]);
  assert.equal(m.builds(), 1);
  assert.equal(a.fileName, 'b1');
  assert.equal(b.fileName, 'b1');
  assert.equal((await c.get(key('52', '2026-10'), m.make)).fileName, 'b1');
  assert.equal(m.builds(), 1);
  assert.equal('model' in (await c.get(key('52', '2026-10'), m.make)), false, 'the model is not kept');
  // Another format, language or scope is another report.
  await c.get(key('52', '2026-10', { format: 'pdf' }), m.make);
  await c.get(key('52', '2026-10', { lang: 'en' }), m.make);
  await c.get(key('44', '2026-10'), m.make);
  assert.equal(m.builds(), 4);
  // Suppression changes only the national report.
  await c.get(key('52', '2026-10', { suppress: true }), m.make);
  assert.equal(m.builds(), 4);
  await c.get(key('nation', '2026-10', { suppress: true }), m.make);
  await c.get(key('nation', '2026-10'), m.make);
  assert.equal(m.builds(), 6);
});

test("a period stored again drops its kind's reports of that period and later, not earlier ones or other kinds", async () => {
  const c = new ReportCache();
  const m = maker();
  for (const p of ['2026-08', '2026-09', '2026-10']) await c.get(key('52', p), m.make);
  await c.get(key('52', '2026-Q3'), m.make);
  c.periodStored('month', '2026-09');
  assert.equal(m.builds(), 4);
  await c.get(key('52', '2026-08'), m.make);
  await c.get(key('52', '2026-Q3'), m.make);
  assert.equal(m.builds(), 4, 'August and the quarter are kept');
  await c.get(key('52', '2026-09'), m.make);
  await c.get(key('52', '2026-10'), m.make);
  assert.equal(m.builds(), 6, 'September (its values) and October (its comparison with September) are built again');
  c.clear();
  await c.get(key('52', '2026-08'), m.make);
  assert.equal(m.builds(), 7, 'a filing drops everything');
});

test('a build that was under way when its values changed is sent to its caller but not kept', async () => {
  const c = new ReportCache();
  let release!: () => void;
  const slow = () =>
    new Promise<ReportFile>((r) => {
      release = () => r({ body: Buffer.from('old'), contentType: 'x', fileName: 'old' });
    });
  const pending = c.get(key('52', '2026-10'), slow);
  c.periodStored('month', '2026-10');
  release();
  assert.equal((await pending).fileName, 'old');
  const m = maker();
  assert.equal((await c.get(key('52', '2026-10'), m.make)).fileName, 'b1');
  assert.equal(m.builds(), 1);
});

test('bounded by bytes: the least recently used report goes first; one larger than the bound is not kept', async () => {
  const c = new ReportCache(25);
  const m = maker(10);
  await c.get(key('11', '2026-10'), m.make);
  await c.get(key('12', '2026-10'), m.make);
  await c.get(key('11', '2026-10'), m.make); // 11 used again: 12 is now the oldest
  await c.get(key('13', '2026-10'), m.make);
  assert.deepEqual(c.size, { entries: 2, bytes: 20 });
  await c.get(key('11', '2026-10'), m.make);
  assert.equal(m.builds(), 3);
  await c.get(key('12', '2026-10'), m.make);
  assert.equal(m.builds(), 4, '12 was dropped');
  const big = maker(30);
  await c.get(key('14', '2026-10'), big.make);
  await c.get(key('14', '2026-10'), big.make);
  assert.equal(big.builds(), 2);
  c.set(key('15', '2026-10'), { body: Buffer.alloc(5), contentType: 'x', fileName: 'set' });
  assert.equal((await c.get(key('15', '2026-10'), m.make)).fileName, 'set');
});
