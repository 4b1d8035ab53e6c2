/**
 * @module A simulated BMC on IPMI-over-LAN: OpenIPMI's `ipmi_sim` (Debian `openipmi`) with a generated
 * lan.conf and command file, holding full sensor records (SDR type 01) for inlet / exhaust temperature and
 * system power. Real IPMI tools read it: FreeIPMI `ipmi-sensors`, `ipmitool`, and the Prometheus
 * `ipmi_exporter` (Debian `prometheus-ipmi-exporter`), which dims reads with the `ipmi_exporter` profile.
 *
 * ipmi_sim speaks IPMI 1.5 LAN with MD5 authentication here (FreeIPMI's RMCP+ privilege negotiation fails
 * against it) and has no DCMI, so power is a sensor, as on BMCs without DCMI.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One analog sensor: its name (as the BMC's SDR holds it), IPMI sensor type, base unit and byte value. */
export interface BmcSensor {
  name: string;
  /** IPMI sensor type: 0x01 temperature, 0x0b other units-based (power meters). */
  type: number;
  /** IPMI base unit: 0x01 °C, 0x06 W. Values are whole units (M = 1, B = 0), 0–255. */
  unit: number;
  value: number;
  /** IPMI entity id: 0x37 air inlet, 0x07 system board, 0x15 power unit. */
  entity: number;
}

/** A running simulated BMC. */
export interface SimulatedBmc {
  host: '127.0.0.1';
  port: number;
  user: string;
  password: string;
  /** Sets a sensor's byte value (as the BMC would read it next). */
  set(sensorNumber: number, value: number): void;
  close(): Promise<void>;
}

/** The dims reference server: inlet 24 °C, exhaust 41 °C, 210 W. */
export const REFERENCE_SENSORS: readonly BmcSensor[] = [
  { name: 'Inlet Temp', type: 0x01, unit: 0x01, value: 24, entity: 0x37 },
  { name: 'Exhaust Temp', type: 0x01, unit: 0x01, value: 41, entity: 0x07 },
  { name: 'Pwr Consumption', type: 0x0b, unit: 0x06, value: 210, entity: 0x15 },
];

/** A full sensor record (IPMI 2.0 table 43-1) for a threshold sensor with linear, unsigned, ×1 readings. */
export function fullSensorRecord(recordId: number, sensorNumber: number, s: BmcSensor): number[] {
  const name = [...Buffer.from(s.name, 'latin1')];
  const body = [
    0x20,
    0x00,
    sensorNumber, // owner (BMC), LUN 0, sensor number
    s.entity,
    0x01,
    0x7f,
    0x68,
    s.type,
    0x01, // entity, instance, init, capabilities, type, threshold reading
    0,
    0,
    0,
    0,
    0,
    0, // event masks
    0x00,
    s.unit,
    0x00, // units: unsigned, base unit, no modifier
    0x00,
    0x01,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00, // linear; M = 1, B = 0, no exponents
    0x00,
    0,
    0,
    0,
    0xff,
    0x00, // analog flags, nominal, normal max/min, sensor max/min
    0,
    0,
    0,
    0,
    0,
    0, // thresholds
    0,
    0,
    0,
    0,
    0, // hysteresis, reserved, OEM
    0xc0 | name.length,
    ...name, // 8-bit ASCII id string
  ];
  return [recordId & 0xff, recordId >> 8, 0x51, 0x01, body.length, ...body];
}

function commandFile(sensors: readonly BmcSensor[]): string {
  const hex = (b: number[]) => b.map((x) => `0x${x.toString(16).padStart(2, '0')}`).join(' ');
  const lines = ['mc_setbmc 0x20', 'mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr'];
  sensors.forEach((s, i) => {
    const n = i + 1;
    lines.push(
      `sensor_add 0x20 0 ${n} ${s.type} 0x01`,
      `main_sdr_add 0x20 ${hex(fullSensorRecord(n, n, s))}`,
      `sensor_set_value 0x20 0 ${n} ${s.value} 0`,
      `sensor_set_event_support 0x20 0 ${n} enable scanning per-state ${'0'.repeat(15)} ${'0'.repeat(15)} ${'0'.repeat(15)} ${'0'.repeat(15)}`,
    );
  });
  lines.push('mc_enable 0x20');
  return `${lines.join('\n')}\n`;
}

function lanConf(port: number, user: string, password: string): string {
  return `name "dims-bmc"
set_working_mc 0x20
  startlan 1
    addr 127.0.0.1 ${port}
    priv_limit admin
    allowed_auths_callback md5
    allowed_auths_user md5
    allowed_auths_operator md5
    allowed_auths_admin md5
    guid a123456789abcdefa123456789abcdef
  endlan
  user 2 true "${user}" "${password}" admin 10 md5
`;
}

/** Starts ipmi_sim on `port` (UDP, 127.0.0.1); resolves once FreeIPMI reads its sensors. */
export async function startSimulatedBmc(
  port: number,
  sensors: readonly BmcSensor[] = REFERENCE_SENSORS,
): Promise<SimulatedBmc> {
  if (spawnSync('ipmi_sim', ['--help']).error)
    throw new Error('ipmi_sim is not installed: apt-get install openipmi (the OpenIPMI BMC simulator)');
  const user = 'dims';
  const password = 'dims-bmc-pass';
  const dir = mkdtempSync(join(tmpdir(), 'dims-bmc-'));
  writeFileSync(join(dir, 'lan.conf'), lanConf(port, user, password));
  writeFileSync(join(dir, 'bmc.emu'), commandFile(sensors));
  // Without -n ipmi_sim runs a console on stdin and exits at EOF: keep stdin open as a pipe, which also
  // lets tests change sensor values.
  const child: ChildProcess = spawn('ipmi_sim', ['-c', join(dir, 'lan.conf'), '-f', join(dir, 'bmc.emu'), '-s', dir], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const bmc: SimulatedBmc = {
    host: '127.0.0.1',
    port,
    user,
    password,
    set(n, value) {
      child.stdin!.write(`sensor_set_value 0x20 0 ${n} ${value} 0\n`);
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) break;
    const r = spawnSync(
      'ipmi-sensors',
      [
        ...freeIpmiArgs(bmc),
        '--no-sensor-type-output',
        '--quiet-cache',
        '--sdr-cache-recreate',
        `--sdr-cache-directory=${dir}`,
      ],
      { encoding: 'utf8', timeout: 5000 },
    );
    if (r.status === 0 && r.stdout.includes(sensors[0]!.name)) return bmc;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await bmc.close();
  throw new Error(`ipmi_sim did not answer on 127.0.0.1:${port}`);
}

/** FreeIPMI arguments that reach the simulated BMC (IPMI 1.5 LAN, MD5, admin). */
export function freeIpmiArgs(bmc: SimulatedBmc): string[] {
  return ['-h', `${bmc.host}:${bmc.port}`, '-u', bmc.user, '-p', bmc.password, '-l', 'ADMIN', '-D', 'LAN', '-a', 'MD5'];
}
