/** @module Chip classification, table-driven over every vendor the issue names, plus operator extension. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadChipTable, ChipTableError, type ChipQuery } from './classify.ts';

const table = loadChipTable();

interface Case {
  q: ChipQuery;
  vendor: string;
  domestic: boolean;
  model?: string | null;
  fp16?: number | null;
  fp32?: number | null;
}

const CASES: Case[] = [
  // Huawei: by PCI id, by model name from npu-exporter, by ARM implementer.
  {
    q: { kind: 'accelerator', pciVendorId: '19e5', model: 'Ascend 910B' },
    vendor: 'Huawei',
    domestic: true,
    model: 'Ascend 910B',
    fp16: 320,
  },
  {
    q: { kind: 'accelerator', vendor: 'Huawei', model: 'Ascend 910' },
    vendor: 'Huawei',
    domestic: true,
    model: 'Ascend 910',
    fp16: 256,
  },
  {
    q: { kind: 'accelerator', vendor: 'Huawei', model: 'Ascend 310P' },
    vendor: 'Huawei',
    domestic: true,
    model: 'Ascend 310P',
    fp16: 70,
  },
  { q: { kind: 'accelerator', model: 'Ascend 310' }, vendor: 'Huawei', domestic: true, model: 'Ascend 310', fp16: 11 },
  {
    q: { kind: 'cpu', cpuImplementer: '0x48', model: 'Kunpeng 920 7260' },
    vendor: 'Huawei',
    domestic: true,
    model: 'Kunpeng 920 7260',
    fp32: 2.662,
  },
  {
    q: { kind: 'cpu', vendor: 'HiSilicon', model: 'unknown' },
    vendor: 'Huawei',
    domestic: true,
    model: 'Kunpeng (other)',
    fp32: null,
  },
  { q: { kind: 'cpu', vendor: '0x48' }, vendor: 'Huawei', domestic: true },
  // Hygon: CPUID vendor string and model.
  {
    q: { kind: 'cpu', x86VendorId: 'HygonGenuine', model: 'Hygon C86 7285 32-core Processor' },
    vendor: 'Hygon',
    domestic: true,
    model: 'Hygon C86 7285',
    fp32: 1.024,
  },
  {
    q: { kind: 'cpu', vendor: 'HygonGenuine', model: 'Hygon C86 7390 32-core Processor' },
    vendor: 'Hygon',
    domestic: true,
    model: 'Hygon C86 (other)',
  },
  {
    q: { kind: 'accelerator', pciVendorId: '1d94', model: 'Z100' },
    vendor: 'Hygon',
    domestic: true,
    model: 'Hygon DCU',
  },
  // Phytium.
  {
    q: { kind: 'cpu', cpuImplementer: '0x70', model: 'FT-2000+/64' },
    vendor: 'Phytium',
    domestic: true,
    model: 'FT-2000+/64',
    fp32: 1.178,
  },
  { q: { kind: 'cpu', vendor: 'Phytium', model: 'S2500' }, vendor: 'Phytium', domestic: true, model: 'S2500' },
  // Loongson: model alone identifies it.
  { q: { kind: 'cpu', model: 'Loongson-3C5000' }, vendor: 'Loongson', domestic: true, model: '3C5000', fp32: 1.12 },
  { q: { kind: 'cpu', model: '3D5000' }, vendor: 'Loongson', domestic: true, model: '3D5000' },
  // Zhaoxin: both CPUID vendor strings.
  {
    q: { kind: 'cpu', x86VendorId: 'CentaurHauls', model: 'ZHAOXIN KaiSheng KH-40000/32' },
    vendor: 'Zhaoxin',
    domestic: true,
    model: 'Zhaoxin KH-40000',
  },
  {
    q: { kind: 'cpu', vendor: '  Shanghai  ', model: 'ZHAOXIN KaiXian KX-U6780A' },
    vendor: 'Zhaoxin',
    domestic: true,
    model: 'Zhaoxin (other)',
  },
  // Cambricon.
  {
    q: { kind: 'accelerator', vendor: 'Cambricon', model: 'MLU370-X8' },
    vendor: 'Cambricon',
    domestic: true,
    model: 'MLU370-X8',
    fp16: 96,
    fp32: 24,
  },
  { q: { kind: 'accelerator', model: 'MLU370-S4' }, vendor: 'Cambricon', domestic: true, model: 'MLU370-S4', fp16: 72 },
  // Kunlunxin: Baidu's PCI id.
  {
    q: { kind: 'accelerator', pciVendorId: '1d22', model: 'R200' },
    vendor: 'Kunlunxin',
    domestic: true,
    model: 'R200',
    fp16: 128,
  },
  {
    q: { kind: 'accelerator', vendor: 'Kunlunxin', model: 'P800 OAM' },
    vendor: 'Kunlunxin',
    domestic: true,
    model: 'P800',
    fp16: null,
  },
  // Enflame.
  {
    q: { kind: 'accelerator', pciVendorId: '1e36', model: 'T20(64GB) [CloudBlazer]' },
    vendor: 'Enflame',
    domestic: true,
    model: 'T20/T21',
    fp16: 128,
  },
  // Moore Threads.
  {
    q: { kind: 'accelerator', pciVendorId: '1ed5', model: 'MTT S4000' },
    vendor: 'Moore Threads',
    domestic: true,
    model: 'MTT S4000',
    fp16: 100,
  },
  // Iluvatar CoreX, MetaX, Biren: by name.
  {
    q: { kind: 'accelerator', vendor: 'Iluvatar CoreX', model: 'BI-V100' },
    vendor: 'Iluvatar CoreX',
    domestic: true,
    model: 'BI-V100',
    fp16: 147,
  },
  {
    q: { kind: 'accelerator', vendor: 'MetaX', model: 'MXC500' },
    vendor: 'MetaX',
    domestic: true,
    model: 'C500',
    fp16: null,
  },
  {
    q: { kind: 'accelerator', vendor: 'Biren', model: 'BR100' },
    vendor: 'Biren',
    domestic: true,
    model: 'BR100',
    fp16: 1024,
  },
  // NVIDIA: DCGM modelName strings.
  {
    q: { kind: 'accelerator', pciVendorId: '10de', model: 'NVIDIA A100-SXM4-80GB' },
    vendor: 'NVIDIA',
    domestic: false,
    model: 'A100',
    fp16: 312,
    fp32: 19.5,
  },
  {
    q: { kind: 'accelerator', vendor: 'NVIDIA', model: 'NVIDIA H100 80GB HBM3' },
    vendor: 'NVIDIA',
    domestic: false,
    model: 'H100 SXM',
    fp16: 989.4,
  },
  {
    q: { kind: 'accelerator', vendor: 'NVIDIA', model: 'NVIDIA H100 PCIe' },
    vendor: 'NVIDIA',
    domestic: false,
    model: 'H100 PCIe',
    fp16: 756,
  },
  { q: { kind: 'accelerator', model: 'Tesla T4' }, vendor: 'NVIDIA', domestic: false, model: 'T4', fp16: 65 },
  {
    q: { kind: 'accelerator', vendor: 'NVIDIA', model: 'NVIDIA A10' },
    vendor: 'NVIDIA',
    domestic: false,
    model: 'A10',
  },
  // AMD: accelerator and CPU.
  {
    q: { kind: 'accelerator', pciVendorId: '1002', model: 'AMD Instinct MI300X' },
    vendor: 'AMD',
    domestic: false,
    model: 'MI300X',
    fp16: 1307.4,
  },
  {
    q: { kind: 'cpu', x86VendorId: 'AuthenticAMD', model: 'AMD EPYC 7742 64-Core Processor' },
    vendor: 'AMD',
    domestic: false,
    model: 'EPYC 7742',
    fp32: 4.608,
  },
  // Intel.
  {
    q: { kind: 'cpu', vendor: 'GenuineIntel', model: 'Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz' },
    vendor: 'Intel',
    domestic: false,
    model: 'Xeon Platinum 8380',
    fp32: 5.888,
  },
  {
    q: { kind: 'cpu', vendor: 'Intel(R) Corporation', model: 'Intel(R) Xeon(R) Silver 4314' },
    vendor: 'Intel',
    domestic: false,
    model: 'Intel CPU (other)',
    fp32: null,
  },
  {
    q: { kind: 'accelerator', pciVendorId: '8086', model: 'Intel Data Center GPU Max 1550' },
    vendor: 'Intel',
    domestic: false,
    model: 'Max 1550',
    fp16: 838.9,
  },
  // Unknown: never domestic, no peak.
  { q: { kind: 'accelerator', vendor: 'Acme', model: 'X1' }, vendor: 'Acme', domestic: false, model: null, fp16: null },
  { q: { kind: 'cpu' }, vendor: 'unknown', domestic: false, model: null },
];

for (const c of CASES) {
  test(`classify ${JSON.stringify(c.q)} → ${c.vendor}${c.model ? ` ${c.model}` : ''}`, () => {
    const r = table.classify(c.q);
    assert.equal(r.vendor, c.vendor);
    assert.equal(r.domestic, c.domestic);
    if (c.model !== undefined) assert.equal(r.model, c.model);
    if (c.fp16 !== undefined) assert.equal(r.peak.fp16, c.fp16);
    if (c.fp32 !== undefined) assert.equal(r.peak.fp32, c.fp32);
  });
}

test('every vendor the issue names is in the table with a source', () => {
  const names = [
    'Huawei',
    'Hygon',
    'Phytium',
    'Loongson',
    'Zhaoxin',
    'Cambricon',
    'Kunlunxin',
    'Enflame',
    'Moore Threads',
    'Iluvatar CoreX',
    'MetaX',
    'Biren',
    'NVIDIA',
    'AMD',
    'Intel',
  ];
  for (const n of names) {
    const v = table.vendors.find((x) => x.name === n);
    assert.ok(v, `vendor ${n} missing`);
    assert.ok(v.source.length > 3);
  }
  for (const c of table.chips) assert.ok(c.source.length > 3, `${c.model} has no source`);
});

test('operator rows come first and may add vendors and correct figures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dims-chips-'));
  const f = join(dir, 'extra.yaml');
  writeFileSync(
    f,
    [
      'version: 1',
      'vendors:',
      '  - { id: acme, name: Acme Chips, domestic: true, aliases: [acme], source: "site survey 2026" }',
      'chips:',
      '  - { vendor: acme, kind: accelerator, family: X, model: Acme X1, models: ["x1"], peak_tflops: { fp64: ' +
        'null, fp32: 10, fp16: 40 }, source: "Acme X1 datasheet" }',
      '  - { vendor: huawei, kind: accelerator, family: Ascend, model: Ascend 910B (site), models: ["910B"], ' +
        'peak_tflops: { fp64: null, fp32: null, fp16: 300 }, source: "site contract" }',
    ].join('\n'),
  );
  const t = loadChipTable([f]);
  const acme = t.classify({ kind: 'accelerator', vendor: 'Acme', model: 'X1' });
  assert.equal(acme.domestic, true);
  assert.equal(acme.peak.fp16, 40);
  assert.equal(t.classify({ kind: 'accelerator', vendor: 'Huawei', model: 'Ascend 910B' }).peak.fp16, 300);
});

test('a bad extra file is rejected naming the file, the path and the value', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dims-chips-'));
  const f = join(dir, 'bad.yaml');
  writeFileSync(
    f,
    'version: 1\nchips:\n  - { vendor: huawei, kind: gpu, family: X, model: Y, peak_tflops: { fp64: null, ' +
      'fp32: null, fp16: -1 }, source: "x y z" }\n',
  );
  assert.throws(
    () => loadChipTable([f]),
    (err: unknown) => {
      assert.ok(err instanceof ChipTableError);
      assert.match(err.message, /bad\.yaml: \/chips\/0\/kind must be one of "cpu", "accelerator" \(got "gpu"\)/);
      assert.match(err.message, /\/chips\/0\/peak_tflops\/fp16 .*\(got -1\)/);
      return true;
    },
  );
  const g = join(dir, 'orphan.yaml');
  writeFileSync(
    g,
    'version: 1\nchips:\n  - { vendor: nobody, kind: cpu, family: X, model: Y, peak_tflops: { fp64: null, ' +
      'fp32: null, fp16: null }, source: "x y z" }\n',
  );
  assert.throws(() => loadChipTable([g]), /orphan\.yaml: \/chips\/0\/vendor names no known vendor \(got "nobody"\)/);
});
