/**
 * @module Checks the benchmark's measuring pieces: /proc parsing, round grouping, and that the real snmp_exporter
 * accepts the generated snmp.yml and returns our simulator's values.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { roundsOf } from './agent-child.ts';
import { startCenter } from './fleet.ts';
import { cpuSeconds, parseMachineBusy, parseStatCpu, parseStatusMiB, peakRssMiB } from '../proc.ts';
import { percentile } from './run.ts';
import {
  prometheusConfig,
  SNMP_EXPORTER_BIN,
  snmpExporterConfig,
  snmpWalkUrl,
  startSnmpExporter,
  walkSucceeded,
} from './tools.ts';

test('parses utime and stime after a command name with spaces and parentheses', () => {
  const line = '4242 (node (bench) x) S 1 4242 4242 0 -1 4194304 99 0 0 0 250 75 0 0 20 0 11 0 193730 3133440 412';
  assert.deepEqual(parseStatCpu(line, 100), { user: 2.5, system: 0.75, total: 3.25 });
  assert.throws(() => parseStatCpu('garbage', 100));
});

test('reads this process: CPU seconds and peak memory from /proc', () => {
  assert.ok(cpuSeconds(process.pid) > 0);
  assert.ok(peakRssMiB(process.pid) > 10);
  assert.equal(parseStatusMiB('Name:\tnode\nVmHWM:\t  2048 kB\nVmRSS:\t 1024 kB\n', 'VmHWM'), 2);
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
  assert.equal(parseMachineBusy('cpu  100 0 50 800 20 5 5 0 0 0\ncpu0 1 2 3\n', 100), 1.6);
});

test('groups collections into rounds by their start and counts errors and late answers', () => {
  const rounds = roundsOf(
    [
      [10_050, 10_300, '', 'snmp'],
      [10_200, 19_900, 'timeout', 'redfish'],
      [20_010, 20_400, '', 'redfish'],
    ],
    10_000,
  );
  assert.equal(rounds.length, 2);
  assert.deepEqual(
    { ...rounds[0], durations: undefined },
    {
      round: 10_000,
      scrapes: 2,
      ok: 1,
      errors: { timeout: 1 },
      completeMs: 9_900,
      durations: undefined,
      protocols: { snmp: { scrapes: 1, ok: 1, maxMs: 250 }, redfish: { scrapes: 1, ok: 0, maxMs: 9_700 } },
    },
  );
  assert.equal(rounds[1]!.completeMs, 400);
  assert.equal(percentile([5, 1, 3, 2, 4], 99), 5);
  assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
});

test('prometheus.yml scrapes each exporter under its path', () => {
  const cfg = parse(
    prometheusConfig([{ id: 'node-1', port: 9100, path: '/exporter/node-1/metrics' }], 10_000, 8_000),
  ) as { scrape_configs: Array<{ static_configs: Array<{ targets: string[]; labels: Record<string, string> }> }> };
  assert.deepEqual(cfg.scrape_configs[0]!.static_configs[0], {
    targets: ['127.0.0.1:9100'],
    labels: { __metrics_path__: '/exporter/node-1/metrics', exporter: 'node-1' },
  });
});

test('snmp.yml has one module per device, with its community and the OIDs of its profile', () => {
  const yml = parse(
    snmpExporterConfig([{ id: 'ups-1', port: 1161, community: 'ups-1', profile: 'ups-mib' }], {
      maxRepetitions: 10,
      timeoutMs: 2000,
      retries: 1,
    }),
  ) as Record<string, { get: string[]; walk: string[]; auth: { community: string } }>;
  assert.deepEqual(yml['ups-1']!.get, ['1.3.6.1.2.1.33.1.2.1.0', '1.3.6.1.2.1.33.1.4.1.0']);
  assert.deepEqual(yml['ups-1']!.walk, ['1.3.6.1.2.1.33.1.3.3.1.5', '1.3.6.1.2.1.33.1.4.4.1.4']);
  assert.equal(yml['ups-1']!.auth.community, 'ups-1');
});

test(
  'the real snmp_exporter accepts the generated snmp.yml and returns the simulator values',
  { skip: existsSync(SNMP_EXPORTER_BIN) ? false : `${SNMP_EXPORTER_BIN} not installed` },
  async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dims-bench-test-'));
    const center = await startCenter({ redfish: 0, snmp: 10, modbus: 0, prometheus: 0 });
    try {
      const tool = await startSnmpExporter(dir, center.snmp, { maxRepetitions: 10, timeoutMs: 2000, retries: 0 });
      try {
        const pdu = center.snmp.find((d) => d.profile === 'apc-rpdu2')!;
        const ups = center.snmp.find((d) => d.profile === 'ups-mib')!;
        const r1 = await fetch(snmpWalkUrl(tool.port, pdu));
        const b1 = await r1.text();
        assert.ok(walkSucceeded(r1.status, b1), b1);
        assert.match(b1, /^rPDU2DeviceStatusPower\{rPDU2DeviceStatusTableIndex="1"\} \d+/m);
        assert.match(b1, /^rPDU2OutletMeteredStatusPower\{rPDU2OutletMeteredStatusTableIndex="1"\} \d+/m);
        const r2 = await fetch(snmpWalkUrl(tool.port, ups));
        const b2 = await r2.text();
        assert.ok(walkSucceeded(r2.status, b2), b2);
        assert.match(b2, /^upsBatteryStatus 2$/m);
        assert.match(b2, /^upsOutputPower\{upsOutputTableIndex="1"\} \d+/m);
        // A device the config has no module for is refused, and the driver counts that walk as failed.
        const r3 = await fetch(snmpWalkUrl(tool.port, { ...pdu, id: 'not-in-snmp-yml' }));
        assert.equal(walkSucceeded(r3.status, await r3.text()), false);
      } finally {
        await tool.stop();
      }
    } finally {
      await center.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
