/** @module Dashboard text in Chinese (default) or English: catalog names plus a small phrase book for the builders. */
import type { Dimension, Text } from '../../src/catalog/types.ts';
import type { Level } from '../../src/model/values.ts';
import { defaultCatalog } from '../../src/catalog/load.ts';

export type Lang = 'zh' | 'en';

/** Picks the language from a catalog text pair. */
export function tr(text: Text, lang: Lang): string {
  return text[lang];
}

/** Dimension titles, from the catalog (indicators/reference/dimensions.yaml), as the reference docs use them. */
export const DIMENSIONS = Object.fromEntries(
  defaultCatalog().dimensions.map((d) => [d.id, { zh: d.zh, en: d.en }]),
) as Record<Dimension, Text>;

/** Level names, from the catalog (indicators/reference/levels.yaml), capitalized in English as titles. */
export const LEVELS = Object.fromEntries(
  defaultCatalog().levels.map((l) => [l.id, { zh: l.zh, en: l.en.charAt(0).toUpperCase() + l.en.slice(1) }]),
) as Record<Level, Text>;

/** Every fixed phrase a dashboard shows; keys are stable so tests can look them up. */
export const PHRASES = {
  nationTitle: { zh: 'dims 全国数据中心监测', en: 'dims national data-center monitoring' },
  nationDesc: {
    zh: '60项指标全国值(实时窗口),按四个维度分组;省排名、地图与数据覆盖率。',
    en: 'The 60 indicators at national level (real-time window) in four dimensions; province rankings, map and coverage.',
  },
  provinceTitle: { zh: 'dims 省级监测', en: 'dims province monitoring' },
  provinceDesc: {
    zh: '所选省份的数据中心与60项指标,对照全国值。',
    en: 'The chosen province: its centers and its 60 indicators against the national value.',
  },
  centerTitle: { zh: 'dims 数据中心', en: 'dims data center' },
  centerDesc: {
    zh: '单个数据中心的原始记录:功率、电量、制冷、用水、进风温度、利用率与芯片清单。',
    en: 'One center from its raw records: power, energy, cooling, water, inlet temperatures, utilization and chip inventory.',
  },
  dimensionTitle: { zh: 'dims 维度', en: 'dims dimension' },
  dimensionDesc: {
    zh: '该维度15项指标:全国值与各省对比。',
    en: 'The fifteen indicators of this dimension: national value and every province.',
  },
  collectorsTitle: { zh: 'dims 采集状态', en: 'dims collectors' },
  collectorsDesc: {
    zh: '采集代理:目标在线、采集错误、发件箱积压;迟报中心。',
    en: 'Collector agents: targets up, scrape errors, outbox depth; centers reporting late.',
  },
  alertsTitle: { zh: 'dims 告警', en: 'dims alerts' },
  alertsDesc: {
    zh: 'Alertmanager 中的告警与 Prometheus 告警状态。',
    en: 'Alerts in Alertmanager and Prometheus alert state.',
  },
  province: { zh: '省份', en: 'Province' },
  center: { zh: '数据中心', en: 'Center' },
  indicator: { zh: '指标', en: 'Indicator' },
  nation: { zh: '全国', en: 'Nation' },
  rankings: { zh: '省排名', en: 'Province rankings' },
  rankingsDesc: {
    zh: '所选指标的各省当前值,点击进入省级面板。',
    en: 'Current value of the chosen indicator per province; click to open the province.',
  },
  map: { zh: '省份地图', en: 'Map of provinces' },
  mapDesc: {
    zh: '各省所选指标当前值,坐标取自登记表(provinces.yaml)。',
    en: 'Current value of the chosen indicator per province, placed at the registry coordinates (provinces.yaml).',
  },
  coverage: { zh: '数据覆盖率', en: 'Coverage' },
  coverageDesc: {
    zh: '全国值中实际上报数据的中心占应报中心的比例(0–1)。',
    en: 'Share (0–1) of expected centers whose data entered the national value.',
  },
  coverageByProvince: { zh: '各省覆盖率(电能利用效率)', en: 'Coverage per province (PUE)' },
  centers: { zh: '本省数据中心', en: 'Centers of the province' },
  centersDesc: {
    zh: '本省各中心最近一小时的电能利用效率与IT负载,点击进入中心面板。',
    en: 'PUE and IT load of each center in the province over its last hour; click to open the center.',
  },
  lastRecord: { zh: '最近记录时间', en: 'Newest record' },
  vsNation: { zh: '对照全国', en: 'against the nation' },
  target: { zh: '目标', en: 'Target' },
  power: { zh: '功率', en: 'Power' },
  peakPower: { zh: '最大总负荷', en: 'Peak facility power' },
  energy: { zh: '电量', en: 'Energy' },
  cooling: { zh: '制冷', en: 'Cooling' },
  water: { zh: '用水', en: 'Water' },
  inlet: { zh: '进风温度(ASHRAE 推荐 18–27 °C)', en: 'Inlet temperature (ASHRAE recommended 18–27 °C)' },
  utilization: { zh: '利用率', en: 'Utilization' },
  chips: { zh: '芯片清单', en: 'Chip inventory' },
  targetsUp: { zh: '采集目标在线', en: 'Targets up' },
  scrapeErrors: { zh: '采集错误速率', en: 'Scrape errors per second' },
  outboxDepth: { zh: '发件箱积压', en: 'Outbox depth' },
  outboxAge: { zh: '发件箱最旧记录时长', en: 'Age of the oldest outbox record' },
  lateCenters: { zh: '迟报中心(超过15分钟无记录)', en: 'Late centers (no record for 15 minutes)' },
  recordAge: { zh: '各中心最近记录距今', en: 'Time since each center’s newest record' },
  alertGroups: { zh: '当前告警(Alertmanager)', en: 'Active alerts (Alertmanager)' },
  firingBySeverity: { zh: '按级别的触发告警数', en: 'Firing alerts by severity' },
  firingByProvince: { zh: '按省的触发告警数', en: 'Firing alerts by province' },
  openProvince: { zh: '打开省级面板', en: 'Open the province' },
  openCenter: { zh: '打开中心面板', en: 'Open the center' },
  dashboards: { zh: 'dims 面板', en: 'dims dashboards' },
} as const satisfies Record<string, Text>;

export type Phrase = keyof typeof PHRASES;

/** A phrase in the chosen language. */
export function p(key: Phrase, lang: Lang): string {
  return PHRASES[key][lang];
}
