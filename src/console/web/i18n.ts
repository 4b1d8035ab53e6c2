/** @module Console strings in Chinese (default) and English, number and unit formatting, null reasons. */
import { readableUnit } from './scale.ts';

export type Lang = 'zh' | 'en';

const zh = {
  title: '数据基础设施监测平台',
  subtitle: '四个维度 · 三个层级 · 60项指标',
  alerts: '告警',
  collectors: '采集健康',
  reports: '报表',
  logout: '退出',
  switchLang: 'English',
  loginTitle: '登录',
  loginHint: '请输入访问令牌（国家、省级、管理员或数据中心令牌）。令牌只保存在本浏览器会话中。',
  notConsoleToken: '此令牌用于数据上报或告警投递，不能登录控制台',
  token: '访问令牌',
  signIn: '进入',
  badToken: '令牌无效或已吊销',
  loading: '加载中…',
  error: '出错了',
  forbidden: '无权访问：当前令牌只能查看本省数据',
  notFound: '未找到',
  period: '统计周期',
  kind_month: '月',
  kind_quarter: '季度',
  kind_year: '年',
  kind_day: '日',
  dimA: '算力规模',
  dimB: '运行效能',
  dimC: '绿色低碳',
  dimD: '安全自主与网络',
  code: '编号',
  indicator: '指标',
  value: '数值',
  unit: '单位',
  target: '官方目标',
  status: '状态',
  met: '达标',
  missed: '未达标',
  no_target: '无目标',
  no_value: '无数据',
  map: '各省分布',
  colorBy: '着色指标',
  rankings: '排名',
  rank: '名次',
  province: '省份',
  provinces: '省份',
  centers: '数据中心',
  center: '数据中心',
  coverage: '数据覆盖',
  expected: '应报',
  reported: '已报',
  late: '迟报',
  ratio: '覆盖率',
  onTime: '按时率',
  backTo: '返回',
  trends: '趋势',
  chartPower: '用电量',
  chartPue: 'PUE',
  chartUtil: 'IT负荷使用率',
  chartDomestic: '国产加速卡占比',
  noPoints: '该周期没有数据点',
  rankAmong: '在全国省份中排名',
  of: '/',
  keyIndicators: '重点指标',
  facts: '基本信息',
  type: '类型',
  size: '规模',
  racksInstalled: '已建机架',
  operator: '运营单位',
  modelScale: '仿真比例（设备模型 : 实际中心）',
  itRated: 'IT额定负荷',
  hubCluster: '枢纽集群',
  commissioned: '投运日期',
  lastRecord: '最近数据',
  records: '记录数',
  healthy: '正常',
  never: '从未上报',
  storage: '存储',
  ready: '就绪',
  notReady: '不可用',
  onlyLate: '只看迟报',
  alertTime: '开始时间',
  alertName: '告警',
  alertSubject: '指标',
  runbook: '处置手册',
  kindEnvironment: '进风温度',
  kindCollector: '设备采集',
  kindStaleness: '数据上报',
  severity: '级别',
  summary: '说明',
  firing: '告警中',
  resolved: '已恢复',
  all: '全部',
  noAlerts: '没有告警',
  scope: '范围',
  reportCenter: '数据中心',
  wholeScope: '（全省或全国报告）',
  centerReportHint: '本数据中心的月度报告：各指标数值与目标、在本省的排名、数据完整性及较上月的变化。',
  scopeCenter: '数据中心',
  format: '格式',
  download: '下载',
  downloaded: '已下载',
  reportHint: '报表包含各指标数值、官方目标达标情况、分中心明细、排名与数据覆盖（Excel 为政府报送首选格式）。',
  deliveries: '投递记录',
  deliveriesHint: '定时报表通过邮件和群机器人（企业微信、钉钉、飞书）发送的结果，最新在前。',
  deliveriesOff: '本枢纽未配置定时报表。',
  deliveriesNone: '暂无投递记录。',
  deliveredAt: '时间',
  channel: '渠道',
  recipient: '接收方',
  attempts: '尝试次数',
  sent: '已送达',
  failed: '失败',
  reason: '原因',
  centersCount: '数据中心数',
  legendLow: '低',
  legendHigh: '高',
  legendNull: '无数据',
  better: '越优',
  dirLower: '越低越好',
  dirHigher: '越高越好',
  dirMonitor: '监测',
  signedInAs: '权限',
  scopeProvince: '省级',
  none: '无',
  generalType: '通用',
  intelligentType: '智算',
  supercomputingType: '超算',
  small: '小型',
  medium: '中型',
  large: '大型',
  hyperscale: '超大型',
  operating: '运行',
  construction: '在建',
  decommissioned: '退役',
  reason_no_data: '该周期没有上报数据',
  reason_zero_denominator: '分母为零，无法计算比例',
  reason_not_applicable: '该层级或对象不适用',
  reason_no_centers: '没有符合条件的数据中心',
  reason_no_comparison_data: '缺少对比期数据（同比/环比）',
  reason_missing_inputs: '部分输入数据缺失',
  reason_unknown: '数值缺失',
};

export type Key = keyof typeof zh;

const en: Record<Key, string> = {
  title: 'Data Infrastructure Monitoring',
  subtitle: 'Four dimensions · three levels · 60 indicators',
  alerts: 'Alerts',
  collectors: 'Collector health',
  reports: 'Reports',
  logout: 'Sign out',
  switchLang: '中文',
  loginTitle: 'Sign in',
  loginHint: 'Enter an access token (nation, province, admin or data center). It is kept in this browser session only.',
  notConsoleToken: 'This token pushes data or delivers alerts; it cannot sign in to the console',
  token: 'Access token',
  signIn: 'Enter',
  badToken: 'The token is unknown or revoked',
  loading: 'Loading…',
  error: 'Something went wrong',
  forbidden: 'Not permitted: this token can only see its own province',
  notFound: 'Not found',
  period: 'Period',
  kind_month: 'Month',
  kind_quarter: 'Quarter',
  kind_year: 'Year',
  kind_day: 'Day',
  dimA: 'Computing scale',
  dimB: 'Operating efficiency',
  dimC: 'Green & low-carbon',
  dimD: 'Security, autonomy & network',
  code: 'Code',
  indicator: 'Indicator',
  value: 'Value',
  unit: 'Unit',
  target: 'Official target',
  status: 'Status',
  met: 'Met',
  missed: 'Missed',
  no_target: 'No target',
  no_value: 'No data',
  map: 'Provinces',
  colorBy: 'Colour by',
  rankings: 'Ranking',
  rank: 'Rank',
  province: 'Province',
  provinces: 'Provinces',
  centers: 'Data centers',
  center: 'Data center',
  coverage: 'Data coverage',
  expected: 'Expected',
  reported: 'Reported',
  late: 'Late',
  ratio: 'Coverage',
  onTime: 'On time',
  backTo: 'Back to',
  trends: 'Trends',
  chartPower: 'Electricity',
  chartPue: 'PUE',
  chartUtil: 'IT load utilization',
  chartDomestic: 'Domestic accelerator share',
  noPoints: 'No data points in this period',
  rankAmong: 'Rank among provinces',
  of: 'of',
  keyIndicators: 'Key indicators',
  facts: 'Facts',
  type: 'Type',
  size: 'Size',
  racksInstalled: 'Installed racks',
  operator: 'Operator',
  modelScale: 'Simulated as a scaled model (devices : center)',
  itRated: 'Rated IT load',
  hubCluster: 'Hub cluster',
  commissioned: 'Commissioned',
  lastRecord: 'Last data',
  records: 'Records',
  healthy: 'OK',
  never: 'Never reported',
  storage: 'Storage',
  ready: 'ready',
  notReady: 'unavailable',
  onlyLate: 'Late only',
  alertTime: 'Started',
  alertName: 'Alert',
  alertSubject: 'Indicator',
  runbook: 'Runbook',
  kindEnvironment: 'Inlet temperature',
  kindCollector: 'Device collection',
  kindStaleness: 'Record delivery',
  severity: 'Severity',
  summary: 'Summary',
  firing: 'Firing',
  resolved: 'Resolved',
  all: 'All',
  noAlerts: 'No alerts',
  scope: 'Scope',
  reportCenter: 'Data center',
  wholeScope: '(the whole province or nation)',
  centerReportHint:
    "This data center's own report: its indicators with targets, its rank in the province, data completeness and what changed since the previous period.",
  scopeCenter: 'data center',
  format: 'Format',
  download: 'Download',
  downloaded: 'Downloaded',
  reportHint:
    'A report holds every indicator value, official targets met or missed, per-center breakdown, ranks and ' +
    'data coverage (Excel is what government reporting runs on).',
  deliveries: 'Delivery log',
  deliveriesHint: 'Scheduled reports sent by e-mail and to group-chat robots (WeCom, DingTalk, Feishu), newest first.',
  deliveriesOff: 'This hub has no scheduled reports.',
  deliveriesNone: 'No deliveries yet.',
  deliveredAt: 'Time',
  channel: 'Channel',
  recipient: 'Recipient',
  attempts: 'Attempts',
  sent: 'sent',
  failed: 'failed',
  reason: 'Reason',
  centersCount: 'Data centers',
  legendLow: 'low',
  legendHigh: 'high',
  legendNull: 'no data',
  better: 'better',
  dirLower: 'lower is better',
  dirHigher: 'higher is better',
  dirMonitor: 'monitored',
  signedInAs: 'Access',
  scopeProvince: 'province',
  none: 'none',
  generalType: 'General',
  intelligentType: 'AI computing',
  supercomputingType: 'Supercomputing',
  small: 'Small',
  medium: 'Medium',
  large: 'Large',
  hyperscale: 'Hyperscale',
  operating: 'Operating',
  construction: 'Under construction',
  decommissioned: 'Decommissioned',
  reason_no_data: 'No data was reported for this period',
  reason_zero_denominator: 'The denominator is zero, so the ratio is undefined',
  reason_not_applicable: 'Not applicable at this level or to this node',
  reason_no_centers: 'No data center matches this indicator',
  reason_no_comparison_data: 'The comparison period has no data (year on year / period on period)',
  reason_missing_inputs: 'Some inputs are missing',
  reason_unknown: 'Value missing',
};

export const STRINGS: Record<Lang, Record<Key, string>> = { zh, en };

let current: Lang = 'zh';

export function setLang(lang: Lang): void {
  current = lang;
}

export function lang(): Lang {
  return current;
}

export function t(key: Key): string {
  return STRINGS[current][key];
}

/** A catalog text ({zh, en}) in the current language. */
export function tx(text: { zh: string; en: string } | undefined): string {
  return text ? text[current] : '';
}

/** Why a value is empty, in words; values are never shown as 0 when they are missing. */
export function reasonText(reason: string | null | undefined): string {
  const key = `reason_${reason ?? 'unknown'}` as Key;
  return key in zh ? t(key) : `${t('reason_unknown')} (${reason})`;
}

const UNIT_TEXT: Record<string, { zh: string; en: string }> = {
  count: { zh: '个', en: '' },
  racks: { zh: '架', en: 'racks' },
  ratio: { zh: '', en: '' },
};

/** The unit as people read it (count → 个, ratio → nothing). */
export function unitText(unit: string): string {
  const u = UNIT_TEXT[unit];
  return u ? u[current] : unit;
}

/** A number with digits suited to its size, in the locale of the current language. */
export function formatNumber(v: number): string {
  const a = Math.abs(v);
  const digits = a === 0 ? 0 : a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : a >= 0.01 ? 3 : 4;
  const s = new Intl.NumberFormat(current === 'zh' ? 'zh-CN' : 'en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  }).format(v);
  // Tiny non-zero values would otherwise print as 0: show them in scientific form instead.
  return a > 0 && a < 0.0001 ? v.toExponential(2) : s;
}

/** A tick label: `decimals` fixed digits (so neighbouring ticks differ), in the locale of the current language. */
export function formatTick(v: number, decimals: number): string {
  return new Intl.NumberFormat(current === 'zh' ? 'zh-CN' : 'en-US', {
    maximumFractionDigits: decimals,
    minimumFractionDigits: decimals,
  }).format(v);
}

/**
 * Value and unit together, e.g. "1.32", "65.4%", "1,203 架"; a value below 1 of a unit that steps by a thousand
 * reads in a smaller step ("0.00042 GWh" → "420 kWh").
 */
export function formatValue(v: number, unit: string): string {
  const r = readableUnit(unit, Math.abs(v));
  const u = unitText(r.unit);
  const n = formatNumber(v * r.factor);
  if (!u) return n;
  return unit === '%' ? `${n}%` : `${n} ${u}`;
}

/** A timestamp in the hub's zone (Asia/Shanghai), short. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(current === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d);
}
