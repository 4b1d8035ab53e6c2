/**
 * @module The processors and accelerators the simulated fleet installs, with the electrical figures the physics
 * needs and whether each counts as domestic (国产). Identification strings are what real BMCs, /proc/cpuinfo
 * and exporters print, so the agent's own chip table (not this one) has to recognise them.
 */
import type { AcceleratorInfo, CpuInfo } from './device-state.ts';

/** A CPU package model. */
export interface CpuModel {
  key: string;
  info: CpuInfo;
  domestic: boolean;
  /** Package power at idle and at full load, W. */
  idleWatts: number;
  maxWatts: number;
}

/** An accelerator card model. */
export interface AccelModel {
  key: string;
  info: AcceleratorInfo;
  domestic: boolean;
  /** Which exporter reports it. */
  exporter: 'dcgm' | 'npu';
  /** npu-exporter chip name (chipName-chipType-chipVer) for Ascend parts. */
  npuName?: string;
  idleWatts: number;
  maxWatts: number;
}

export const CPU_MODELS: Record<string, CpuModel> = {
  xeon8380: {
    key: 'xeon8380',
    info: {
      manufacturer: 'Intel(R) Corporation',
      model: 'Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz',
      cores: 40,
      vendorId: 'GenuineIntel',
    },
    domestic: false,
    idleWatts: 70,
    maxWatts: 270,
  },
  xeon6330: {
    key: 'xeon6330',
    info: {
      manufacturer: 'Intel(R) Corporation',
      model: 'Intel(R) Xeon(R) Gold 6330 CPU @ 2.00GHz',
      cores: 28,
      vendorId: 'GenuineIntel',
    },
    domestic: false,
    idleWatts: 55,
    maxWatts: 205,
  },
  epyc7763: {
    key: 'epyc7763',
    info: {
      manufacturer: 'Advanced Micro Devices, Inc.',
      model: 'AMD EPYC 7763 64-Core Processor',
      cores: 64,
      vendorId: 'AuthenticAMD',
    },
    domestic: false,
    idleWatts: 80,
    maxWatts: 280,
  },
  hygon7285: {
    key: 'hygon7285',
    info: { manufacturer: 'Hygon', model: 'Hygon C86 7285 32-core Processor', cores: 32, vendorId: 'HygonGenuine' },
    domestic: true,
    idleWatts: 60,
    maxWatts: 190,
  },
  kunpeng920: {
    key: 'kunpeng920',
    info: { manufacturer: 'HiSilicon', model: 'Kunpeng 920-6426', cores: 64, implementer: '0x48' },
    domestic: true,
    idleWatts: 45,
    maxWatts: 180,
  },
  phytiumS2500: {
    key: 'phytiumS2500',
    info: { manufacturer: 'Phytium', model: 'Phytium S2500', cores: 64, implementer: '0x70' },
    domestic: true,
    idleWatts: 40,
    maxWatts: 150,
  },
};

export const ACCEL_MODELS: Record<string, AccelModel> = {
  a100: {
    key: 'a100',
    info: { manufacturer: 'NVIDIA Corporation', model: 'NVIDIA A100-SXM4-80GB', pciVendorId: '10de' },
    domestic: false,
    exporter: 'dcgm',
    idleWatts: 60,
    maxWatts: 400,
  },
  h800: {
    key: 'h800',
    info: { manufacturer: 'NVIDIA Corporation', model: 'NVIDIA H800', pciVendorId: '10de' },
    domestic: false,
    exporter: 'dcgm',
    idleWatts: 90,
    maxWatts: 700,
  },
  l40s: {
    key: 'l40s',
    info: { manufacturer: 'NVIDIA Corporation', model: 'NVIDIA L40S', pciVendorId: '10de' },
    domestic: false,
    exporter: 'dcgm',
    idleWatts: 35,
    maxWatts: 350,
  },
  ascend910b: {
    key: 'ascend910b',
    info: { manufacturer: 'Huawei', model: 'Ascend 910B', pciVendorId: '19e5' },
    domestic: true,
    exporter: 'npu',
    npuName: 'Ascend-910B-V1',
    idleWatts: 70,
    maxWatts: 400,
  },
  ascend310p: {
    key: 'ascend310p',
    info: { manufacturer: 'Huawei', model: 'Ascend 310P', pciVendorId: '19e5' },
    domestic: true,
    exporter: 'npu',
    npuName: 'Ascend-310P-V1',
    idleWatts: 12,
    maxWatts: 72,
  },
};

/** CPU choices by origin, with weights. */
export const FOREIGN_CPUS: ReadonlyArray<readonly [string, number]> = [
  ['xeon8380', 3],
  ['xeon6330', 3],
  ['epyc7763', 2],
];
export const DOMESTIC_CPUS: ReadonlyArray<readonly [string, number]> = [
  ['kunpeng920', 4],
  ['hygon7285', 3],
  ['phytiumS2500', 1],
];
export const FOREIGN_ACCELS: ReadonlyArray<readonly [string, number]> = [
  ['a100', 3],
  ['h800', 2],
  ['l40s', 2],
];
export const DOMESTIC_ACCELS: ReadonlyArray<readonly [string, number]> = [
  ['ascend910b', 4],
  ['ascend310p', 1],
];
