/**
 * @module What each simulated device reports at an instant: the contract between the fleet model
 * (which computes physically plausible values) and the protocol servers (which expose them).
 *
 * Protocol servers call `read(nowMs)` on every request, so values move with (accelerated) time.
 * Cumulative quantities are monotonic apart from injected counter resets and meter replacements.
 */

/** A CPU package as a BMC or node_exporter describes it. */
export interface CpuInfo {
  manufacturer: string;
  model: string;
  cores: number;
  /** x86 vendor id string as /proc/cpuinfo prints it (GenuineIntel, HygonGenuine, ...); absent on ARM. */
  vendorId?: string;
  /** ARM `CPU implementer` code such as 0x48 (HiSilicon) or 0x70 (Phytium). */
  implementer?: string;
}

/** An accelerator card as a BMC (PCIe device / Processor) or an exporter describes it. */
export interface AcceleratorInfo {
  manufacturer: string;
  model: string;
  /** PCI vendor id, four lowercase hex digits (10de NVIDIA, 19e5 Huawei, ...). */
  pciVendorId: string;
}

/** A server's BMC (Redfish). */
export interface ServerState {
  kind: 'server';
  powerWatts: number;
  /** Cumulative energy since the BMC started counting, kWh. */
  energyKwh: number;
  inletCelsius: number;
  exhaustCelsius: number;
  psus: Array<{ inputWatts: number; outputWatts: number; energyKwh: number }>;
  cpus: CpuInfo[];
  accelerators: AcceleratorInfo[];
}

/** A rack PDU (SNMP APC rPDU2 or Redfish PowerEquipment). */
export interface PduState {
  kind: 'pdu';
  powerWatts: number;
  energyKwh: number;
  outlets: Array<{ name: string; powerWatts: number; energyKwh: number; on: boolean }>;
  inletCelsius?: number;
}

/** A UPS (SNMP UPS-MIB): output lines feed the IT load. */
export interface UpsState {
  kind: 'ups';
  inputLines: Array<{ voltage: number; currentAmps: number; powerWatts: number; frequencyHz: number }>;
  outputLines: Array<{ voltage: number; currentAmps: number; powerWatts: number; percentLoad: number }>;
  batteryStatus: 'normal' | 'low' | 'depleted' | 'unknown';
  secondsOnBattery: number;
  minutesRemaining: number;
  chargePercent: number;
  /** Cumulative output energy, kWh (UPS-MIB has none; exposed through ENTITY-SENSOR rows when present). */
  outputEnergyKwh: number;
}

/** A three-phase energy meter (Modbus, SDM630 class): facility incomer, IT feed, cooling feed or PV. */
/** Register maps the simulated meters can answer with (each vendor's published map). */
export type MeterModel = 'sdm630' | 'dtsu666' | 'iem3000' | 'pm5000' | 'janitza-b' | 'janitza-umg' | 'acrel-adw300';

export interface MeterState {
  kind: 'meter';
  /** Whose register map the meter answers with (default sdm630). */
  model?: MeterModel;
  phaseVoltage: [number, number, number];
  phaseCurrentAmps: [number, number, number];
  phasePowerWatts: [number, number, number];
  totalPowerWatts: number;
  frequencyHz: number;
  importKwh: number;
  exportKwh: number;
}

/** A water-cooled chiller (Modbus). */
export interface ChillerState {
  kind: 'chiller';
  running: boolean;
  powerKw: number;
  energyKwh: number;
  supplyCelsius: number;
  returnCelsius: number;
  flowM3h: number;
  /** Cumulative make-up water, m³ (cooling towers evaporate water). */
  waterM3: number;
  alarms: number;
}

/** A computer-room air handler (Modbus). */
export interface CrahState {
  kind: 'crah';
  running: boolean;
  powerKw: number;
  energyKwh: number;
  supplyAirCelsius: number;
  returnAirCelsius: number;
  humidityPercent: number;
  fanPercent: number;
  valvePercent: number;
  alarms: number;
}

/** A host's node_exporter. */
export interface NodeState {
  kind: 'node';
  /** Cumulative seconds per CPU and mode (idle, user, system, iowait, ...). */
  cpuSeconds: Array<Record<string, number>>;
  cpu: CpuInfo;
}

/** One GPU as NVIDIA's DCGM exporter reports it. */
export interface GpuState {
  uuid: string;
  model: string;
  utilizationPercent: number;
  powerWatts: number;
  /** Cumulative energy since boot, mJ. */
  energyMillijoules: number;
  /** Pod holding it, empty when unallocated. */
  pod: string;
  namespace: string;
}

/** A host's DCGM exporter. */
export interface DcgmState {
  kind: 'dcgm';
  hostname: string;
  gpus: GpuState[];
}

/** One NPU as Huawei's npu-exporter reports it. */
export interface NpuChipState {
  id: number;
  /** chipName-chipType-chipVer, e.g. "Ascend-910B-V1". */
  name: string;
  utilizationPercent: number;
  powerWatts: number;
  temperatureCelsius: number;
  health: 1 | 0;
  pod: string;
  namespace: string;
}

/** A host's npu-exporter. */
export interface NpuState {
  kind: 'npu';
  chips: NpuChipState[];
}

/** A border router (SNMP IF-MIB ifXTable): per-interface 64-bit octet counters. */
export interface RouterState {
  kind: 'router';
  interfaces: Array<{ name: string; speedMbps: number; up: boolean; inOctets: bigint; outOctets: bigint }>;
}

/** A smokeping_prober: per target, cumulative probe counts by RTT upper bound (s) since the prober started. */
export interface SmokepingState {
  kind: 'smokeping';
  /** Upper bounds of the histogram buckets, s (as the prober's --buckets flag). */
  bucketsS: number[];
  targets: Array<{ host: string; ip: string; count: number; le: number[]; sumS: number }>;
}

export type DeviceState =
  | ServerState
  | PduState
  | UpsState
  | MeterState
  | ChillerState
  | CrahState
  | NodeState
  | DcgmState
  | NpuState
  | RouterState
  | SmokepingState;

/** A simulated device: its identity and a reader for its state at an instant. */
export interface SimDevice<S extends DeviceState = DeviceState> {
  id: string;
  kind: S['kind'];
  read(nowMs: number): S;
}

/** Faults a protocol server can be told to inject for one device. */
export interface FaultSpec {
  /** Never answer (connection accepted, no response). */
  hang?: boolean;
  /** Answer after this many ms. */
  delayMs?: number;
  /** Redfish/exporters: answer with this HTTP status. */
  httpStatus?: number;
  /** Redfish/exporters: answer an HTML error page with status 200. */
  htmlErrorPage?: boolean;
  /** Redfish/exporters: answer truncated, invalid JSON/text. */
  malformed?: boolean;
  /** SNMP: answer noSuchObject for every OID of the device. */
  noSuchObject?: boolean;
  /** SNMP / Modbus: drop requests silently. */
  silent?: boolean;
  /** Modbus: answer with this exception code (2 illegal address, 4 device failure, 6 busy). */
  modbusException?: number;
}
