/**
 * @module Our own Redfish JSON (DMTF schema shapes) for a simulated server or rack PDU in a given BMC style:
 * modern or legacy-only schemas, generic/Dell/HPE/Huawei dialects with their quirks.
 */
import type { PduState, ServerState } from '../device-state.ts';

/** How a simulated BMC speaks. */
export interface BmcStyle {
  /**
   * modern: EnvironmentMetrics, PowerSubsystem, ThermalSubsystem, Sensors (legacy Power/Thermal still linked); legacy:
   * only Power/Thermal, modern URLs answer an HTML 404.
   */
  schema: 'modern' | 'legacy';
  /**
   * Dialect: generic; dell (System.Embedded.1, a listed extra chassis answering 404); hpe (iLO 4 fan
   * fields, requires the OData-Version header); huawei (readings as strings, no ChassisType, a
   * power-less enclosure chassis listed first).
   */
  vendor: 'generic' | 'dell' | 'hpe' | 'huawei';
}

type Json = Record<string, unknown>;

/** What a path resolves to. */
export type SimAnswer = { json: Json } | { notFound: 'json' | 'html' };

interface Dialect {
  chassisId: string;
  systemId: string;
  rootVendor: string;
  oem: string;
  manufacturer: string;
  model: string;
}

const DIALECTS: Record<BmcStyle['vendor'], Dialect> = {
  generic: {
    chassisId: '1U',
    systemId: 'sys1',
    rootVendor: 'Contoso',
    oem: 'Contoso',
    manufacturer: 'Contoso',
    model: 'RX-2200',
  },
  dell: {
    chassisId: 'System.Embedded.1',
    systemId: 'System.Embedded.1',
    rootVendor: 'Dell',
    oem: 'Dell',
    manufacturer: 'Dell Inc.',
    model: 'PowerEdge R750',
  },
  hpe: {
    chassisId: '1',
    systemId: '1',
    rootVendor: 'HPE',
    oem: 'Hpe',
    manufacturer: 'HPE',
    model: 'ProLiant DL380 Gen10',
  },
  huawei: {
    chassisId: '1',
    systemId: '1',
    rootVendor: 'Huawei',
    oem: 'Huawei',
    manufacturer: 'Huawei',
    model: '2288H V5',
  },
};

const ref = (uri: string): Json => ({ '@odata.id': uri });
const collection = (uri: string, type: string, ids: string[]): Json => ({
  '@odata.id': uri,
  '@odata.type': `#${type}Collection.${type}Collection`,
  Name: `${type} Collection`,
  Members: ids.map((id) => ref(`${uri}/${id}`)),
  'Members@odata.count': ids.length,
});
const r1 = (v: number): number => Math.round(v * 10) / 10;

/** Resolves `rel` (path below /redfish/v1, no trailing slash, '' for the root) for a device. */
export function simResource(prefix: string, style: BmcStyle, state: ServerState | PduState, rel: string): SimAnswer {
  const json = state.kind === 'pdu' ? pduResource(prefix, state, rel) : serverResource(prefix, style, state, rel);
  if (json !== undefined) return { json: style.vendor === 'huawei' ? (stringifyNumbers(json) as Json) : json };
  // Legacy-only firmware answers retired/unknown resources with a web-server HTML page (telegraf#18250).
  return { notFound: style.schema === 'legacy' ? 'html' : 'json' };
}

function root(prefix: string, d: Dialect | undefined, extra: Json): Json {
  return {
    '@odata.id': `${prefix}/`,
    '@odata.type': '#ServiceRoot.v1_15_0',
    Id: 'RootService',
    Name: 'Root Service',
    RedfishVersion: '1.15.0',
    ...(d === undefined ? {} : { Vendor: d.rootVendor, Oem: { [d.oem]: { Simulated: true } } }),
    ...extra,
    SessionService: ref(`${prefix}/SessionService`),
    Links: { Sessions: ref(`${prefix}/SessionService/Sessions`) },
  };
}

function sessionService(prefix: string, rel: string): Json | undefined {
  if (rel === 'SessionService')
    return {
      '@odata.id': `${prefix}/SessionService`,
      Id: 'SessionService',
      ServiceEnabled: true,
      SessionTimeout: 600,
      Sessions: ref(`${prefix}/SessionService/Sessions`),
    };
  return undefined;
}

function fansOf(s: ServerState): number[] {
  const base = Math.min(100, Math.max(15, 20 + (s.exhaustCelsius - s.inletCelsius) * 3));
  return [0, 1, 2, 3].map((i) => r1(Math.min(100, base + i)));
}

function serverResource(prefix: string, style: BmcStyle, s: ServerState, rel: string): Json | undefined {
  const d = DIALECTS[style.vendor];
  const modern = style.schema === 'modern';
  const C = `${prefix}/Chassis/${d.chassisId}`;
  const S = `${prefix}/Systems/${d.systemId}`;
  const extraChassis =
    style.vendor === 'dell' ? ['Enclosure.Internal.0-1'] : style.vendor === 'huawei' ? ['Enclosure'] : [];
  const chassisIds = style.vendor === 'huawei' ? [...extraChassis, d.chassisId] : [d.chassisId, ...extraChassis];
  const fans = fansOf(s);
  const gpus = s.accelerators;
  const seg = rel.split('/');

  if (rel === '')
    return root(prefix, d, {
      Chassis: ref(`${prefix}/Chassis`),
      Systems: ref(`${prefix}/Systems`),
      ProtocolFeaturesSupported: { ExpandQuery: { ExpandAll: false } },
    });
  const ss = sessionService(prefix, rel);
  if (ss !== undefined) return ss;
  if (rel === 'Chassis') return collection(`${prefix}/Chassis`, 'Chassis', chassisIds);
  if (rel === 'Systems') return collection(`${prefix}/Systems`, 'ComputerSystem', [d.systemId]);
  // Huawei's enclosure chassis: listed, readable, but without any power or thermal resource.
  if (style.vendor === 'huawei' && rel === 'Chassis/Enclosure')
    return {
      '@odata.id': `${prefix}/Chassis/Enclosure`,
      Id: 'Enclosure',
      Name: 'Enclosure',
      Manufacturer: d.manufacturer,
    };

  if (seg[0] === 'Chassis' && seg[1] === d.chassisId) {
    const sub = seg.slice(2).join('/');
    if (sub === '') {
      const ch: Json = {
        '@odata.id': C,
        '@odata.type': '#Chassis.v1_23_0',
        Id: d.chassisId,
        Name: 'Computer System Chassis',
        Manufacturer: d.manufacturer,
        Model: d.model,
        PowerState: 'On',
        Status: { State: 'Enabled', Health: 'OK' },
        Power: ref(`${C}/Power`),
        Thermal: ref(`${C}/Thermal`),
        PCIeDevices: ref(`${C}/PCIeDevices`),
        Links: { ComputerSystems: [ref(S)] },
      };
      // Huawei iBMC (and Supermicro) may omit the "required" ChassisType.
      if (style.vendor !== 'huawei') ch['ChassisType'] = 'RackMount';
      if (modern)
        Object.assign(ch, {
          EnvironmentMetrics: ref(`${C}/EnvironmentMetrics`),
          PowerSubsystem: ref(`${C}/PowerSubsystem`),
          ThermalSubsystem: ref(`${C}/ThermalSubsystem`),
          Sensors: ref(`${C}/Sensors`),
        });
      return ch;
    }
    if (sub === 'Power') {
      return {
        '@odata.id': `${C}/Power`,
        '@odata.type': '#Power.v1_7_1',
        Id: 'Power',
        Name: 'Power',
        PowerControl: [
          {
            '@odata.id': `${C}/Power#/PowerControl/0`,
            MemberId: '0',
            Name: 'System Power Control',
            PowerConsumedWatts: r1(s.powerWatts),
            PowerCapacityWatts: 1600,
            PowerMetrics: {
              IntervalInMin: 1,
              MinConsumedWatts: r1(s.powerWatts * 0.9),
              MaxConsumedWatts: r1(s.powerWatts * 1.1),
              AverageConsumedWatts: r1(s.powerWatts),
            },
          },
        ],
        PowerSupplies: s.psus.map((p, i) => ({
          '@odata.id': `${C}/Power#/PowerSupplies/${i}`,
          MemberId: String(i),
          Name: `PSU${i + 1}`,
          PowerInputWatts: r1(p.inputWatts),
          LastPowerOutputWatts: r1(p.outputWatts),
          PowerCapacityWatts: 800,
          Status: { State: 'Enabled', Health: 'OK' },
        })),
      };
    }
    if (sub === 'Thermal') {
      return {
        '@odata.id': `${C}/Thermal`,
        '@odata.type': '#Thermal.v1_7_1',
        Id: 'Thermal',
        Name: 'Thermal',
        Temperatures: [
          {
            MemberId: '0',
            Name: 'Inlet Temp',
            PhysicalContext: 'Intake',
            ReadingCelsius: r1(s.inletCelsius),
            UpperThresholdCritical: 42,
          },
          { MemberId: '1', Name: 'Exhaust Temp', PhysicalContext: 'Exhaust', ReadingCelsius: r1(s.exhaustCelsius) },
          { MemberId: '2', Name: 'CPU1 Temp', PhysicalContext: 'CPU', ReadingCelsius: r1(s.exhaustCelsius + 20) },
        ],
        // iLO 4 names fan fields differently (telegraf#14488).
        Fans: fans.map((f, i) =>
          style.vendor === 'hpe'
            ? { MemberId: String(i), FanName: `Fan ${i + 1}`, CurrentReading: f, Units: 'Percent' }
            : { MemberId: String(i), Name: `Fan${i + 1}`, Reading: f, ReadingUnits: 'Percent' },
        ),
      };
    }
    if (sub === 'PCIeDevices')
      return collection(`${C}/PCIeDevices`, 'PCIeDevice', [...gpus.map((_, i) => `ACC${i + 1}`), 'NIC1']);
    const pm = /^PCIeDevices\/(ACC(\d+)|NIC1)(\/PCIeFunctions(\/1)?)?$/.exec(sub);
    if (pm !== null) {
      const acc = pm[2] === undefined ? undefined : gpus[Number(pm[2]) - 1];
      if (pm[2] !== undefined && acc === undefined) return undefined;
      const dev = `${C}/PCIeDevices/${pm[1]}`;
      if (pm[3] === undefined)
        return {
          '@odata.id': dev,
          '@odata.type': '#PCIeDevice.v1_11_0',
          Id: pm[1],
          Name: acc?.model ?? 'ConnectX-6',
          Manufacturer: acc?.manufacturer ?? 'Mellanox Technologies',
          Model: acc?.model ?? 'ConnectX-6 Dx',
          PCIeFunctions: ref(`${dev}/PCIeFunctions`),
        };
      if (pm[4] === undefined) return collection(`${dev}/PCIeFunctions`, 'PCIeFunction', ['1']);
      return {
        '@odata.id': `${dev}/PCIeFunctions/1`,
        '@odata.type': '#PCIeFunction.v1_5_0',
        Id: '1',
        FunctionId: 0,
        VendorId: acc === undefined ? '0x15B3' : `0x${acc.pciVendorId.toUpperCase()}`,
        DeviceClass: acc === undefined ? 'NetworkController' : 'ProcessingAccelerators',
      };
    }
    if (!modern) return undefined;
    if (sub === 'EnvironmentMetrics') {
      return {
        '@odata.id': `${C}/EnvironmentMetrics`,
        '@odata.type': '#EnvironmentMetrics.v1_3_0',
        Id: 'EnvironmentMetrics',
        Name: 'Chassis Environment Metrics',
        TemperatureCelsius: { Reading: r1(s.inletCelsius), DataSourceUri: `${C}/Sensors/IntakeTemp` },
        PowerWatts: { Reading: r1(s.powerWatts), DataSourceUri: `${C}/Sensors/TotalPower` },
        EnergykWh: { Reading: Math.round(s.energyKwh * 1000) / 1000, DataSourceUri: `${C}/Sensors/TotalEnergy` },
        FanSpeedsPercent: fans.map((f, i) => ({
          DeviceName: `Fan${i + 1}`,
          Reading: f,
          DataSourceUri: `${C}/ThermalSubsystem/Fans/${i + 1}`,
        })),
      };
    }
    if (sub === 'PowerSubsystem')
      return {
        '@odata.id': `${C}/PowerSubsystem`,
        '@odata.type': '#PowerSubsystem.v1_1_0',
        Id: 'PowerSubsystem',
        CapacityWatts: 800 * s.psus.length,
        PowerSupplies: ref(`${C}/PowerSubsystem/PowerSupplies`),
      };
    if (sub === 'PowerSubsystem/PowerSupplies')
      return collection(
        `${C}/PowerSubsystem/PowerSupplies`,
        'PowerSupply',
        s.psus.map((_, i) => String(i + 1)),
      );
    const psm = /^PowerSubsystem\/PowerSupplies\/(\d+)(\/Metrics)?$/.exec(sub);
    if (psm !== null) {
      const p = s.psus[Number(psm[1]) - 1];
      if (p === undefined) return undefined;
      const u = `${C}/PowerSubsystem/PowerSupplies/${psm[1]}`;
      if (psm[2] === undefined)
        return {
          '@odata.id': u,
          '@odata.type': '#PowerSupply.v1_5_0',
          Id: psm[1],
          Name: `PSU${psm[1]}`,
          PowerCapacityWatts: 800,
          Metrics: ref(`${u}/Metrics`),
          Status: { State: 'Enabled', Health: 'OK' },
        };
      return {
        '@odata.id': `${u}/Metrics`,
        '@odata.type': '#PowerSupplyMetrics.v1_1_0',
        Id: 'Metrics',
        InputPowerWatts: { Reading: r1(p.inputWatts) },
        OutputPowerWatts: { Reading: r1(p.outputWatts) },
        EnergykWh: { Reading: Math.round(p.energyKwh * 1000) / 1000 },
      };
    }
    if (sub === 'ThermalSubsystem')
      return {
        '@odata.id': `${C}/ThermalSubsystem`,
        '@odata.type': '#ThermalSubsystem.v1_3_0',
        Id: 'ThermalSubsystem',
        ThermalMetrics: ref(`${C}/ThermalSubsystem/ThermalMetrics`),
        Fans: ref(`${C}/ThermalSubsystem/Fans`),
      };
    if (sub === 'ThermalSubsystem/ThermalMetrics') {
      return {
        '@odata.id': `${C}/ThermalSubsystem/ThermalMetrics`,
        '@odata.type': '#ThermalMetrics.v1_3_0',
        Id: 'ThermalMetrics',
        TemperatureSummaryCelsius: {
          Intake: { Reading: r1(s.inletCelsius) },
          Exhaust: { Reading: r1(s.exhaustCelsius) },
          Internal: { Reading: r1(s.exhaustCelsius + 10) },
        },
      };
    }
    if (sub === 'ThermalSubsystem/Fans')
      return collection(
        `${C}/ThermalSubsystem/Fans`,
        'Fan',
        fans.map((_, i) => String(i + 1)),
      );
    const fm = /^ThermalSubsystem\/Fans\/(\d+)$/.exec(sub);
    if (fm !== null) {
      const f = fans[Number(fm[1]) - 1];
      return f === undefined
        ? undefined
        : {
            '@odata.id': `${C}/ThermalSubsystem/Fans/${fm[1]}`,
            '@odata.type': '#Fan.v1_5_0',
            Id: fm[1],
            Name: `Fan${fm[1]}`,
            SpeedPercent: { Reading: f },
          };
    }
    const sensors: Record<string, Json> = {
      IntakeTemp: {
        ReadingType: 'Temperature',
        Reading: r1(s.inletCelsius),
        ReadingUnits: 'Cel',
        PhysicalContext: 'Intake',
      },
      ExhaustTemp: {
        ReadingType: 'Temperature',
        Reading: r1(s.exhaustCelsius),
        ReadingUnits: 'Cel',
        PhysicalContext: 'Exhaust',
      },
      TotalPower: { ReadingType: 'Power', Reading: r1(s.powerWatts), ReadingUnits: 'W', PhysicalContext: 'Chassis' },
      TotalEnergy: {
        ReadingType: 'EnergykWh',
        Reading: Math.round(s.energyKwh * 1000) / 1000,
        ReadingUnits: 'kW.h',
        PhysicalContext: 'Chassis',
      },
    };
    if (sub === 'Sensors') return collection(`${C}/Sensors`, 'Sensor', Object.keys(sensors));
    const sm = /^Sensors\/(\w+)$/.exec(sub);
    if (sm !== null && sensors[sm[1]!] !== undefined)
      return {
        '@odata.id': `${C}/Sensors/${sm[1]}`,
        '@odata.type': '#Sensor.v1_6_0',
        Id: sm[1],
        Name: sm[1],
        ...sensors[sm[1]!],
      };
    return undefined;
  }

  if (seg[0] === 'Systems' && seg[1] === d.systemId) {
    const sub = seg.slice(2).join('/');
    const cpuIds = s.cpus.map((_, i) => `CPU${i + 1}`);
    const accIds = modern ? gpus.map((_, i) => `ACC${i + 1}`) : [];
    if (sub === '') {
      const sys: Json = {
        '@odata.id': S,
        '@odata.type': '#ComputerSystem.v1_20_0',
        Id: d.systemId,
        Name: 'System',
        SystemType: 'Physical',
        Manufacturer: d.manufacturer,
        Model: d.model,
        PowerState: 'On',
        ProcessorSummary: { Count: s.cpus.length, Model: s.cpus[0]?.model ?? '' },
        Processors: ref(`${S}/Processors`),
      };
      return sys;
    }
    if (sub === 'Processors') return collection(`${S}/Processors`, 'Processor', [...cpuIds, ...accIds]);
    const pm = /^Processors\/(CPU|ACC)(\d+)$/.exec(sub);
    if (pm === null) return undefined;
    const i = Number(pm[2]) - 1;
    if (pm[1] === 'CPU') {
      const c = s.cpus[i];
      if (c === undefined) return undefined;
      return {
        '@odata.id': `${S}/Processors/CPU${i + 1}`,
        '@odata.type': '#Processor.v1_19_0',
        Id: `CPU${i + 1}`,
        Name: `Processor ${i + 1}`,
        Socket: `CPU ${i + 1}`,
        ProcessorType: 'CPU',
        ProcessorArchitecture: c.implementer !== undefined ? 'ARM' : 'x86',
        InstructionSet: c.implementer !== undefined ? 'ARM-A64' : 'x86-64',
        Manufacturer: c.manufacturer,
        Model: c.model,
        TotalCores: c.cores,
        TotalThreads: c.cores * 2,
        ProcessorId: { VendorId: c.vendorId ?? c.implementer ?? '' },
        Status: { State: 'Enabled', Health: 'OK' },
      };
    }
    const a = accIds.length > 0 ? gpus[i] : undefined;
    if (a === undefined) return undefined;
    return {
      '@odata.id': `${S}/Processors/ACC${i + 1}`,
      '@odata.type': '#Processor.v1_19_0',
      Id: `ACC${i + 1}`,
      Name: `Accelerator ${i + 1}`,
      ProcessorType: a.pciVendorId === '10de' ? 'GPU' : 'Accelerator',
      Manufacturer: a.manufacturer,
      Model: a.model,
      ProcessorId: { VendorId: `0x${a.pciVendorId}` },
      Status: { State: 'Enabled', Health: 'OK' },
    };
  }
  return undefined;
}

function pduResource(prefix: string, s: PduState, rel: string): Json | undefined {
  const P = `${prefix}/PowerEquipment/RackPDUs/1`;
  const ids = s.outlets.map((_, i) => `A${i + 1}`);
  if (rel === '')
    return root(prefix, undefined, { Vendor: 'Contoso PDU', PowerEquipment: ref(`${prefix}/PowerEquipment`) });
  const ss = sessionService(prefix, rel);
  if (ss !== undefined) return ss;
  if (rel === 'PowerEquipment')
    return {
      '@odata.id': `${prefix}/PowerEquipment`,
      '@odata.type': '#PowerEquipment.v1_2_0',
      Id: 'PowerEquipment',
      RackPDUs: ref(`${prefix}/PowerEquipment/RackPDUs`),
    };
  if (rel === 'PowerEquipment/RackPDUs')
    return collection(`${prefix}/PowerEquipment/RackPDUs`, 'PowerDistribution', ['1']);
  if (rel === 'PowerEquipment/RackPDUs/1') {
    return {
      '@odata.id': P,
      '@odata.type': '#PowerDistribution.v1_3_0',
      Id: '1',
      Name: 'Rack PDU 1',
      EquipmentType: 'RackPDU',
      Manufacturer: 'Contoso',
      Model: 'PDU-24',
      Metrics: ref(`${P}/Metrics`),
      Outlets: ref(`${P}/Outlets`),
    };
  }
  if (rel === 'PowerEquipment/RackPDUs/1/Metrics') {
    const m: Json = {
      '@odata.id': `${P}/Metrics`,
      '@odata.type': '#PowerDistributionMetrics.v1_3_0',
      Id: 'Metrics',
      PowerWatts: { Reading: r1(s.powerWatts) },
      EnergykWh: { Reading: Math.round(s.energyKwh * 1000) / 1000 },
    };
    if (s.inletCelsius !== undefined) m['TemperatureCelsius'] = { Reading: r1(s.inletCelsius) };
    return m;
  }
  if (rel === 'PowerEquipment/RackPDUs/1/Outlets') return collection(`${P}/Outlets`, 'Outlet', ids);
  const om = /^PowerEquipment\/RackPDUs\/1\/Outlets\/A(\d+)$/.exec(rel);
  const o = om === null ? undefined : s.outlets[Number(om[1]) - 1];
  if (o === undefined) return undefined;
  return {
    '@odata.id': `${P}/Outlets/A${om![1]}`,
    '@odata.type': '#Outlet.v1_4_0',
    Id: `A${om![1]}`,
    Name: o.name,
    PowerState: o.on ? 'On' : 'Off',
    PowerWatts: { Reading: r1(o.powerWatts) },
    EnergykWh: { Reading: Math.round(o.energyKwh * 1000) / 1000 },
  };
}

/** Huawei-style: every number becomes a string (counts excepted, which even that firmware gets right). */
function stringifyNumbers(v: unknown, key = ''): unknown {
  if (typeof v === 'number') return key.endsWith('@odata.count') ? v : String(v);
  if (Array.isArray(v)) return v.map((x) => stringifyNumbers(x));
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stringifyNumbers(x, k)]));
  return v;
}
