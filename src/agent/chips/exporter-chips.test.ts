/**
 * @module Every accelerator the exporter profiles report (their golden outputs) maps to a row of the chip table:
 * a known vendor, domestic or not, and a chip row (the vendor's fallback at least), so the domestic-share and
 * PFLOPS indicators count it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sample } from '../../../collectors/types.ts';
import { loadChipTable } from './classify.ts';

const testdata = join(import.meta.dirname, '..', '..', '..', 'collectors', 'prometheus', 'testdata');
const table = loadChipTable();
const domestic = new Map([
  ['npu_exporter', true],
  ['cambricon_mlu', true],
  ['hygon_dcu', true],
  ['metax_gpu', true],
  ['iluvatar_gpu', true],
  ['enflame_gcu', true],
  ['kunlunxin_xpu', true],
  ['mthreads_gpu', true],
  ['dcgm_exporter', false],
]);

for (const [profile, isDomestic] of domestic) {
  test(`${profile}: every reported accelerator has a chip-table row (domestic ${isDomestic})`, () => {
    const files = readdirSync(join(testdata, profile)).filter((f) => f.endsWith('.expected.json'));
    assert.ok(files.length > 0);
    for (const f of files) {
      const samples = JSON.parse(readFileSync(join(testdata, profile, f), 'utf8')) as Sample[];
      const inventory = samples.filter((s) => s.signal === 'inventory' && s.labels?.['kind'] === 'accelerator');
      assert.ok(inventory.length > 0, f);
      for (const s of inventory) {
        const l = s.labels!;
        const c = table.classify({
          kind: 'accelerator',
          vendor: l['vendor']!,
          model: l['model']!,
          ...(l['pci_vendor_id'] !== undefined ? { pciVendorId: l['pci_vendor_id'] } : {}),
        });
        // A chip row (the vendor's fallback row at least, when the exporter names no model) and its vendor.
        assert.ok(c.vendorId !== null && c.family !== null, `${f}: ${JSON.stringify(l)} → ${JSON.stringify(c)}`);
        if (l['model'] !== undefined && !/^(MetaX GPU|MLU|DCU|GCU|unknown)$/.test(l['model']))
          assert.equal(c.known, true, `${f}: model ${l['model']} has no row: ${JSON.stringify(c)}`);
        assert.equal(c.domestic, isDomestic, `${f}: ${JSON.stringify(l)}`);
      }
    }
  });
}
