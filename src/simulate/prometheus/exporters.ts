/**
 * @module What the simulated node_exporter, DCGM exporter, npu-exporter and smokeping_prober expose for a device state,
 * in their own metric names.
 */
import type { DcgmState, NodeState, NpuState, ServerState, SmokepingState } from '../device-state.ts';
import type { WriteFamily } from '../../../collectors/prometheus/write.ts';

/** node_exporter: per-CPU mode seconds, cpu info (as --collector.cpu.info), a load gauge and a GC summary. */
export function nodeExporterFamilies(s: NodeState): WriteFamily[] {
  const cores = Math.max(1, s.cpu.cores);
  const cpuSeconds: WriteFamily = {
    name: 'node_cpu_seconds_total',
    type: 'counter',
    help: 'Seconds the CPUs spent in each mode.',
    samples: [],
  };
  const info: WriteFamily = {
    name: 'node_cpu_info',
    type: 'gauge',
    help: 'CPU information from /proc/cpuinfo.',
    samples: [],
  };
  s.cpuSeconds.forEach((modes, cpu) => {
    for (const [mode, secs] of Object.entries(modes).sort())
      cpuSeconds.samples.push({ labels: { cpu: String(cpu), mode }, value: round(secs) });
    // On ARM, node_exporter reports the "CPU implementer" code in the vendor label.
    const vendor = s.cpu.vendorId ?? s.cpu.implementer ?? '';
    info.samples.push({
      labels: {
        cachesize: '',
        core: String(cpu % cores),
        cpu: String(cpu),
        family: '',
        microcode: '',
        model: '',
        model_name: s.cpu.model,
        package: String(Math.floor(cpu / cores)),
        stepping: '',
        vendor,
      },
      value: 1,
    });
  });
  return [
    {
      name: 'go_gc_duration_seconds',
      type: 'summary',
      help: 'A summary of the pause duration of garbage collection cycles.',
      samples: [
        { labels: { quantile: '0' }, value: 0.00001 },
        { labels: { quantile: '0.5' }, value: 0.00003 },
        { labels: { quantile: '1' }, value: 0.0004 },
        { suffix: '_sum', value: 0.01 },
        { suffix: '_count', value: 120 },
      ],
    },
    info,
    cpuSeconds,
    { name: 'node_load1', type: 'gauge', help: '1m load average.', samples: [{ value: 0.42 }] },
  ];
}

/** DCGM exporter (default-counters.csv names and labels). */
export function dcgmFamilies(s: DcgmState): WriteFamily[] {
  const labels = (i: number): Record<string, string> => {
    const g = s.gpus[i]!;
    return {
      gpu: String(i),
      UUID: g.uuid,
      device: `nvidia${i}`,
      modelName: g.model,
      Hostname: s.hostname,
      container: g.pod === '' ? '' : 'main',
      namespace: g.namespace,
      pod: g.pod,
    };
  };
  const fam = (name: string, type: WriteFamily['type'], help: string, value: (i: number) => number): WriteFamily => ({
    name,
    type,
    help,
    samples: s.gpus.map((_, i) => ({ labels: labels(i), value: value(i) })),
  });
  return [
    fam('DCGM_FI_DEV_GPU_UTIL', 'gauge', 'GPU utilization (in %).', (i) => round(s.gpus[i]!.utilizationPercent)),
    fam('DCGM_FI_DEV_POWER_USAGE', 'gauge', 'Power draw (in W).', (i) => round(s.gpus[i]!.powerWatts)),
    // dcgm-exporter declares this one a counter without the _total suffix.
    fam('DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION', 'counter', 'Total energy consumption since boot (in mJ).', (i) =>
      Math.round(s.gpus[i]!.energyMillijoules),
    ),
  ];
}

/** Huawei npu-exporter (machine_npu_nums and npu_chip_info_* with id, pod_name, namespace labels). */
export function npuFamilies(s: NpuState): WriteFamily[] {
  const labels = (i: number): Record<string, string> => {
    const c = s.chips[i]!;
    return { id: String(c.id), namespace: c.namespace, pod_name: c.pod };
  };
  const fam = (name: string, help: string, value: (i: number) => number): WriteFamily => ({
    name,
    type: 'gauge',
    help,
    samples: s.chips.map((_, i) => ({ labels: labels(i), value: value(i) })),
  });
  return [
    {
      name: 'machine_npu_nums',
      type: 'gauge',
      help: 'Amount of npu installed on the machine.',
      samples: [{ value: s.chips.length }],
    },
    {
      name: 'npu_chip_info_name',
      type: 'gauge',
      help: "the Ascend npu name with value '1'",
      samples: s.chips.map((c) => ({ labels: { id: String(c.id), name: c.name }, value: 1 })),
    },
    fam('npu_chip_info_utilization', 'the ai core utilization', (i) => round(s.chips[i]!.utilizationPercent)),
    fam('npu_chip_info_power', 'the npu power', (i) => round(s.chips[i]!.powerWatts)),
    fam('npu_chip_info_temperature', 'the npu temperature', (i) => round(s.chips[i]!.temperatureCelsius)),
    fam('npu_chip_info_health_status', 'whether the npu is healthy, 1 healthy, 0 unhealthy', (i) => s.chips[i]!.health),
  ];
}

/** smokeping_prober: requests sent and the response-time histogram per host (labels host, ip, source). */
export function smokepingFamilies(s: SmokepingState): WriteFamily[] {
  const requests: WriteFamily = {
    name: 'smokeping_requests_total',
    type: 'counter',
    help: 'Number of packets sent',
    samples: [],
  };
  const rtt: WriteFamily = {
    name: 'smokeping_response_duration_seconds',
    type: 'histogram',
    help: 'A histogram of latencies for ping responses.',
    samples: [],
  };
  for (const t of s.targets) {
    const base = { host: t.host, ip: t.ip, source: '' };
    requests.samples.push({ labels: base, value: t.count });
    s.bucketsS.forEach((b, k) =>
      rtt.samples.push({ suffix: '_bucket', labels: { ...base, le: String(b) }, value: t.le[k]! }),
    );
    rtt.samples.push({ suffix: '_bucket', labels: { ...base, le: '+Inf' }, value: t.count });
    rtt.samples.push({ suffix: '_sum', labels: base, value: round(t.sumS) });
    rtt.samples.push({ suffix: '_count', labels: base, value: t.count });
  }
  return [requests, rtt];
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/**
 * The Prometheus ipmi_exporter's view of a server's BMC (metric names and labels as in its docs/metrics.md,
 * 1.6.1): DCMI power, the sensors a 1U server's SDR typically holds (temperatures, fans, voltages, power),
 * each with its state, and the collectors' `ipmi_up`.
 */
export function ipmiFamilies(s: ServerState): WriteFamily[] {
  const g = (name: string, help: string, samples: WriteFamily['samples']): WriteFamily => ({
    name,
    type: 'gauge',
    help,
    samples,
  });
  const sensor = (id: number, name: string, value: number) => ({ labels: { id: String(id), name }, value });
  const temps = [
    sensor(18, 'Inlet Temp', round(s.inletCelsius)),
    sensor(19, 'Exhaust Temp', round(s.exhaustCelsius)),
    ...s.cpus.map((_, i) => sensor(20 + i, `CPU${i + 1} Temp`, round(s.exhaustCelsius + 20))),
  ];
  const fans = Array.from({ length: 6 }, (_, i) => sensor(40 + i, `Fan${i + 1}`, 6000 + i * 120));
  const volts = ['12V', '5V', '3.3V', 'VBAT'].map((n, i) => sensor(60 + i, n, [12, 5, 3.3, 3][i]!));
  const state = (xs: Array<{ labels: Record<string, string> }>) => xs.map((x) => ({ labels: x.labels, value: 0 }));
  const power = [sensor(90, 'Pwr Consumption', Math.round(s.powerWatts))];
  return [
    g('ipmi_up', "'1' if a scrape of the IPMI device was successful, '0' otherwise.", [
      { labels: { collector: 'bmc' }, value: 1 },
      { labels: { collector: 'dcmi' }, value: 1 },
      { labels: { collector: 'ipmi' }, value: 1 },
    ]),
    g('ipmi_dcmi_power_consumption_current_watts', 'Current power consumption in Watts.', [
      { value: Math.round(s.powerWatts) },
    ]),
    g('ipmi_temperature_celsius', 'Temperature reading in degree Celsius.', temps),
    g(
      'ipmi_temperature_state',
      'Reported state of a temperature sensor (0=nominal, 1=warning, 2=critical).',
      state(temps),
    ),
    g('ipmi_fan_speed_rpm', 'Fan speed in rotations per minute.', fans),
    g('ipmi_fan_speed_state', 'Reported state of a fan speed sensor (0=nominal, 1=warning, 2=critical).', state(fans)),
    g('ipmi_voltage_volts', 'Voltage reading in Volts.', volts),
    g('ipmi_voltage_state', 'Reported state of a voltage sensor (0=nominal, 1=warning, 2=critical).', state(volts)),
    g('ipmi_power_watts', 'Power reading in Watts.', power),
    g('ipmi_power_state', 'Reported state of a power sensor (0=nominal, 1=warning, 2=critical).', state(power)),
  ];
}
