/**
 * @module Rules that do not come from indicator thresholds: a collector target down, a center whose records
 * stopped arriving, an agent outbox that keeps growing, inlet air outside the ASHRAE envelope, and a
 * watchdog that always fires (so a silent paging chain is itself noticed).
 *
 * Agent metrics carry `center` but not `province`; the rules take the province from the hub's
 * dims_center_last_record_timestamp_seconds{province,center} and keep the alert when the hub does not know the center.
 */
import { ASHRAE_A1_ALLOWABLE_MAX_C, ASHRAE_INLET_MAX_C, ASHRAE_INLET_MIN_C } from '../grafana/lib/ashrae.ts';
import { VALUE, dashboardUrl, label, runbookUrl } from './annotations.ts';
import { LATE_AFTER_SECONDS, OUTBOX_GROWTH_WINDOW } from '../grafana/lib/constants.ts';
import { seriesText } from './from-catalog.ts';
import type { AlertRule, RuleSpec, RuleUrls } from './types.ts';

/** Adds the hub's province label to a per-center expression, keeping its value. */
export function withProvince(expr: string): string {
  const known = 'max by (center, province) (dims_center_last_record_timestamp_seconds)';
  return `(${expr}) * on (center) group_left (province) (0 * ${known} + 1) or ((${expr}) unless on (center) ${known})`;
}

const CENTER = { province: '44', center: '44-0001' };
const at = (zh: string, en: string) => ({ zh, en });

function annotations(
  urls: RuleUrls,
  alert: string,
  level: 'center' | 'collector' | 'nation',
  s: { zh: string; en: string },
  d: { zh: string; en: string },
): Record<string, string> {
  return {
    summary: s.zh,
    summary_en: s.en,
    description: d.zh,
    description_en: d.en,
    runbook_url: runbookUrl(urls, alert),
    dashboard_url: dashboardUrl(urls, level),
  };
}

export function extraRules(urls: RuleUrls): RuleSpec[] {
  const node = `数据中心 ${label('center')}(省 ${label('province')})`;
  const nodeEn = `center ${label('center')} (province ${label('province')})`;
  const lastRecord = (values: string) => ({
    series: seriesText('dims_center_last_record_timestamp_seconds', CENTER),
    values,
  });

  const targetDown: AlertRule = {
    alert: 'DimsCollectorTargetDown',
    expr: withProvince('max by (center, target, protocol) (dims_agent_target_up) == 0'),
    for: '5m',
    labels: { severity: 'warning', level: 'center', kind: 'collector' },
    annotations: annotations(
      urls,
      'DimsCollectorTargetDown',
      'collector',
      at(
        `采集目标 ${label('target')}(${label('protocol')})不可达:${node}`,
        `Collector target ${label('target')} (${label('protocol')}) is down at ${nodeEn}`,
      ),
      at(
        '采集代理连续5分钟无法从该设备读取数据;该中心的记录会缺少这台设备的量。',
        'The agent has failed to read this device for 5 minutes; the center’s records lack its metrics.',
      ),
    ),
  };
  const stopped: AlertRule = {
    alert: 'DimsCenterRecordsStopped',
    expr: `time() - dims_center_last_record_timestamp_seconds > ${LATE_AFTER_SECONDS}`,
    for: '5m',
    labels: { severity: 'critical', level: 'center', kind: 'staleness' },
    annotations: annotations(
      urls,
      'DimsCenterRecordsStopped',
      'center',
      at(`${node}已 ${VALUE} 秒未上报记录`, `No record from ${nodeEn} for ${VALUE} s`),
      at(
        `枢纽最近一条记录的结束时间已超过${LATE_AFTER_SECONDS}秒;该中心的指标告警被抑制,直到记录恢复。`,
        `The newest record at the hub ended more than ${LATE_AFTER_SECONDS} s ago; the center's indicator alerts ` +
          `are inhibited until records arrive again.`,
      ),
    ),
  };
  const outbox: AlertRule = {
    alert: 'DimsAgentOutboxGrowing',
    expr: withProvince(`dims_agent_outbox_depth > 100 and deriv(dims_agent_outbox_depth[${OUTBOX_GROWTH_WINDOW}]) > 0`),
    for: '15m',
    labels: { severity: 'warning', level: 'center', kind: 'collector' },
    annotations: annotations(
      urls,
      'DimsAgentOutboxGrowing',
      'collector',
      at(
        `${node}采集代理发件箱积压 ${VALUE} 条且持续增长`,
        `Agent outbox at ${nodeEn} holds ${VALUE} records and keeps growing`,
      ),
      at(
        '代理的记录未被枢纽确认;发件箱满后将丢弃最旧记录。',
        'The hub does not acknowledge the agent’s records; once the outbox is full the oldest records are dropped.',
      ),
    ),
  };
  const inletWarn: AlertRule = {
    alert: 'DimsInletTemperatureOutOfRange',
    expr:
      `dims_center_inlet_temperature_celsius{stat="mean"} > ${ASHRAE_INLET_MAX_C} or dims_center_inlet_temperature_celsius{stat="mean"} ` +
      `< ${ASHRAE_INLET_MIN_C}`,
    for: '10m',
    labels: { severity: 'warning', level: 'center', kind: 'environment' },
    annotations: annotations(
      urls,
      'DimsInletTemperatureOutOfRange',
      'center',
      at(
        `${node}平均进风温度 ${VALUE} °C,超出ASHRAE推荐范围 ${ASHRAE_INLET_MIN_C}–${ASHRAE_INLET_MAX_C} °C`,
        `Mean inlet temperature ${VALUE} °C at ${nodeEn} is outside the ASHRAE recommended ${ASHRAE_INLET_MIN_C}–${ASHRAE_INLET_MAX_C} °C`,
      ),
      at(
        '服务器平均进风温度持续10分钟超出ASHRAE TC 9.9推荐范围。',
        'Mean server inlet temperature has been outside the ASHRAE TC 9.9 recommended envelope for 10 minutes.',
      ),
    ),
  };
  const inletCrit: AlertRule = {
    alert: 'DimsInletTemperatureOutOfRange',
    expr: `dims_center_inlet_temperature_celsius{stat="max"} > ${ASHRAE_A1_ALLOWABLE_MAX_C}`,
    for: '5m',
    labels: { severity: 'critical', level: 'center', kind: 'environment' },
    annotations: annotations(
      urls,
      'DimsInletTemperatureOutOfRange',
      'center',
      at(
        `${node}最高进风温度 ${VALUE} °C,超过ASHRAE A1允许上限 ${ASHRAE_A1_ALLOWABLE_MAX_C} °C`,
        `Highest inlet temperature ${VALUE} °C at ${nodeEn} exceeds the ASHRAE A1 allowable ${ASHRAE_A1_ALLOWABLE_MAX_C} °C`,
      ),
      at(
        '至少一台服务器进风温度超过A1类允许上限,制冷可能失效。',
        'At least one server breathes air above the class A1 allowable limit; cooling may have failed.',
      ),
    ),
  };
  const watchdog: AlertRule = {
    alert: 'Watchdog',
    expr: 'vector(1)',
    labels: { severity: 'none', level: 'nation', kind: 'watchdog' },
    annotations: annotations(
      urls,
      'Watchdog',
      'nation',
      at('告警链路心跳(始终触发)', 'Alerting pipeline heartbeat (always firing)'),
      at(
        '此告警始终触发。若接收端停止收到它,说明 Prometheus、Alertmanager 或通知链路中断。',
        'This alert always fires. When the receiver stops getting it, Prometheus, Alertmanager or the notification path is broken.',
      ),
    ),
  };

  const target = { series: 'dims_agent_target_up{center="44-0001",target="pdu-01",protocol="snmp"}' };
  const inlet = (stat: string) =>
    `dims_center_inlet_temperature_celsius{province="44",center="44-0001",stat="${stat}"}`;
  const checks = (zh: string[], en: string[]) => ({ zh, en });
  return [
    {
      group: 'dims-collectors',
      rule: targetDown,
      runbook: {
        meaning: at(
          '采集代理连续5分钟读不到某台设备(Redfish、SNMP、Modbus 或 Prometheus 导出器)。',
          'An agent has failed to read one device (Redfish, SNMP, Modbus or a Prometheus exporter) for 5 minutes.',
        ),
        computation: at(
          'dims_agent_target_up 为 0(最近一次采集失败);省份取自枢纽的 dims_center_last_record_timestamp_seconds。',
          'dims_agent_target_up is 0 (the last collection failed); the province comes from the hub’s dims_center_last_record_timestamp_seconds.',
        ),
        checks: checks(
          [
            '在采集状态面板查看该目标的错误类型(dims_agent_scrape_errors_total{kind})。',
            '从代理主机测试设备网络可达性与凭据(curl Redfish、snmpget、Modbus 读寄存器)。',
            '确认设备未更换型号;新型号需要新的 profile。',
          ],
          [
            'Look up the error kind on the collectors dashboard (dims_agent_scrape_errors_total{kind}).',
            'From the agent host test reachability and credentials (curl the Redfish URL, snmpget, a Modbus register read).',
            'Check the device model did not change; a new model needs a profile.',
          ],
        ),
      },
      fixture: {
        firing: [{ ...target, values: '0x20' }, lastRecord('0+60x20')],
        expected: [
          {
            rule: targetDown,
            labels: { center: '44-0001', target: 'pdu-01', protocol: 'snmp', province: '44', ...targetDown.labels },
            value: 0,
          },
        ],
        evalMinutes: 8,
        silent: [{ ...target, values: '1x20' }, lastRecord('0+60x20')],
      },
    },
    {
      group: 'dims-collectors',
      rule: stopped,
      runbook: {
        meaning: at(
          `某数据中心的记录停止到达枢纽超过${LATE_AFTER_SECONDS}秒。`,
          `A center's records have stopped reaching the hub for more than ${LATE_AFTER_SECONDS} s.`,
        ),
        computation: at(
          'time() − dims_center_last_record_timestamp_seconds(枢纽收到的最新记录的结束时间)。',
          'time() − dims_center_last_record_timestamp_seconds (end of the newest record the hub received).',
        ),
        checks: checks(
          [
            '检查该中心代理进程是否运行、发件箱是否积压(dims_agent_outbox_depth)。',
            '检查代理到枢纽的网络与令牌(枢纽日志中的 401/403)。',
            '记录恢复后,枢纽会重算受影响的周期。',
          ],
          [
            'Check the center’s agent is running and whether its outbox grows (dims_agent_outbox_depth).',
            'Check the network path and token from agent to hub (401/403 in the hub log).',
            'Once records flow again the hub recomputes the affected periods.',
          ],
        ),
      },
      fixture: {
        firing: [lastRecord('0x40')],
        expected: [{ rule: stopped, labels: { ...CENTER, ...stopped.labels }, value: 25 * 60 }],
        evalMinutes: 25,
        silent: [lastRecord('0+60x40')],
      },
    },
    {
      group: 'dims-collectors',
      rule: outbox,
      runbook: {
        meaning: at(
          '采集代理的发件箱超过100条且在15分钟内持续增长:枢纽没有确认记录。',
          'An agent outbox holds more than 100 records and has grown over 15 minutes: the hub is not acknowledging records.',
        ),
        computation: at(
          'dims_agent_outbox_depth > 100 且 deriv(dims_agent_outbox_depth[15m]) > 0。',
          'dims_agent_outbox_depth > 100 and deriv(dims_agent_outbox_depth[15m]) > 0.',
        ),
        checks: checks(
          [
            '查看 dims_agent_sink_errors_total{status} 判断是网络、鉴权还是枢纽 5xx。',
            '检查枢纽是否可用、InfluxDB 是否可写(枢纽返回 503 表示存储不可用)。',
            '注意 dims_agent_records_dropped_total:发件箱满后会丢弃最旧记录。',
          ],
          [
            'Read dims_agent_sink_errors_total{status}: network, authentication, or hub 5xx.',
            'Check the hub is up and InfluxDB writable (503 from the hub means storage is unavailable).',
            'Watch dims_agent_records_dropped_total: a full outbox drops its oldest records.',
          ],
        ),
      },
      fixture: {
        firing: [{ series: 'dims_agent_outbox_depth{center="44-0001"}', values: '0+10x60' }, lastRecord('0+60x60')],
        expected: [{ rule: outbox, labels: { center: '44-0001', province: '44', ...outbox.labels }, value: 400 }],
        evalMinutes: 40,
        silent: [{ series: 'dims_agent_outbox_depth{center="44-0001"}', values: '500x60' }, lastRecord('0+60x60')],
      },
    },
    {
      group: 'dims-environment',
      rule: inletWarn,
      runbook: {
        meaning: at(
          `服务器平均进风温度超出ASHRAE推荐范围 ${ASHRAE_INLET_MIN_C}–${ASHRAE_INLET_MAX_C} °C。`,
          `Mean server inlet temperature is outside the ASHRAE recommended ${ASHRAE_INLET_MIN_C}–${ASHRAE_INLET_MAX_C} °C.`,
        ),
        computation: at(
          'dims_center_inlet_temperature_celsius{stat="mean"}:最新记录中的平均进风温度(原始量 inlet_temp_c_mean)。',
          'dims_center_inlet_temperature_celsius{stat="mean"}: mean inlet temperature of the newest record (raw metric inlet_temp_c_mean).',
        ),
        checks: checks(
          [
            '在中心面板查看进风温度与制冷电量、PUE 是否同时变化。',
            '过高:检查冷机/精密空调状态与冷通道封闭;过低:检查送风设定值(过冷浪费能源)。',
            '确认温度探头位置正确、读数未漂移。',
          ],
          [
            'On the center dashboard compare inlet temperature with cooling energy and PUE.',
            'Too warm: check chillers/CRAHs and aisle containment; too cold: check the supply set-point (overcooling wastes energy).',
            'Check probe placement and drift.',
          ],
        ),
      },
      fixture: {
        firing: [{ series: inlet('mean'), values: '30x20' }],
        expected: [{ rule: inletWarn, labels: { ...CENTER, stat: 'mean', ...inletWarn.labels }, value: 30 }],
        evalMinutes: 12,
        silent: [{ series: inlet('mean'), values: '24x20' }],
      },
    },
    {
      group: 'dims-environment',
      rule: inletCrit,
      runbook: {
        meaning: at(
          `至少一台服务器进风温度超过ASHRAE A1允许上限 ${ASHRAE_A1_ALLOWABLE_MAX_C} °C。`,
          `At least one server's inlet air exceeds the ASHRAE A1 allowable ${ASHRAE_A1_ALLOWABLE_MAX_C} °C.`,
        ),
        computation: at(
          'dims_center_inlet_temperature_celsius{stat="max"}(原始量 inlet_temp_c_max)。',
          'dims_center_inlet_temperature_celsius{stat="max"} (raw metric inlet_temp_c_max).',
        ),
        checks: checks(
          [
            '立即联系中心值班:制冷可能失效(冷机跳闸、水泵、精密空调)。',
            '查看中心面板的制冷电量是否骤降。',
            '必要时按应急预案降载。',
          ],
          [
            'Call the center’s shift at once: cooling may have failed (chiller trip, pumps, CRAHs).',
            'See whether cooling energy dropped on the center dashboard.',
            'Shed load per the emergency plan if needed.',
          ],
        ),
      },
      fixture: {
        firing: [{ series: inlet('max'), values: '35x20' }],
        expected: [{ rule: inletCrit, labels: { ...CENTER, stat: 'max', ...inletCrit.labels }, value: 35 }],
        evalMinutes: 8,
        silent: [{ series: inlet('max'), values: '30x20' }],
      },
    },
    {
      group: 'dims-meta',
      rule: watchdog,
      runbook: {
        meaning: at('心跳告警,始终触发。', 'A heartbeat that always fires.'),
        computation: at('vector(1)', 'vector(1)'),
        checks: checks(
          ['接收端停止收到 Watchdog:检查 Prometheus 规则评估、Alertmanager 与通知渠道。'],
          [
            'If the receiver stops getting the Watchdog, check Prometheus rule evaluation, Alertmanager and the notification channel.',
          ],
        ),
      },
      fixture: { firing: [], expected: [{ rule: watchdog, labels: { ...watchdog.labels }, value: 1 }], evalMinutes: 1 },
    },
  ];
}
