/**
 * @module The words of a report in Chinese and English: sheet names, column headers, statuses and reasons.
 *
 * Kept apart from the renderers so xlsx and csv say the same thing, and a translation fix is one edit.
 */
import type { Dimension, Direction } from '../catalog/types.ts';
import type { Lang } from '../catalog/docs.ts';
import { defaultCatalog } from '../catalog/load.ts';

type T = { zh: string; en: string };

/** Dimension names come from the catalog (indicators/reference/dimensions.yaml). */
export const DIMENSIONS = Object.fromEntries(
  defaultCatalog().dimensions.map((d) => [d.id, { zh: d.zh, en: d.en }]),
) as Record<Dimension, T>;

/** Direction words come from the catalog (indicators/reference/directions.yaml). */
export const DIRECTIONS = Object.fromEntries(
  defaultCatalog().directions.map((d) => [d.id, { zh: d.zh, en: d.en }]),
) as Record<Direction, T>;

export const STATUS: Record<string, T> = {
  met: { zh: '达标', en: 'met' },
  missed: { zh: '未达标', en: 'missed' },
  no_target: { zh: '无目标', en: 'no target' },
  no_value: { zh: '无数值', en: 'no value' },
};

/** Why a value is empty, in words (engine reasons plus the report's own `suppressed`). */
export const REASONS: Record<string, T> = {
  no_data: { zh: '无数据', en: 'no data' },
  zero_denominator: { zh: '分母为零', en: 'zero denominator' },
  not_applicable: { zh: '不适用', en: 'not applicable' },
  no_centers: { zh: '无适用中心', en: 'no applicable centers' },
  no_comparison_data: { zh: '无对比期数据', en: 'no data for the comparison period' },
  missing_inputs: { zh: '输入缺失', en: 'inputs missing' },
  suppressed: { zh: '少于3个中心,不予显示', en: 'fewer than 3 centers, suppressed' },
  not_computed: { zh: '本期尚未计算', en: 'not computed for this period' },
};

export const CHANGES: Record<string, T> = {
  status: { zh: '达标状态变化', en: 'target status changed' },
  moved: { zh: '变化超过{pct}%', en: 'moved by {pct}% or more' },
  appeared: { zh: '本期新有数值', en: 'has a value again' },
  vanished: { zh: '本期无数值', en: 'no value this period' },
};

export const ISSUES: Record<string, T> = {
  not_reported: { zh: '未报送', en: 'did not report' },
  late: { zh: '迟报(数据未覆盖至期末)', en: 'late (data stops before period end)' },
  downtime: { zh: '采集中断', en: 'collector downtime' },
  declaration_missing: { zh: '填报缺失', en: 'declarations missing' },
};

/** Level names come from the catalog (indicators/reference/levels.yaml). */
export const LEVELS: Record<string, T> = Object.fromEntries(
  defaultCatalog().levels.map((l) => [l.id, { zh: l.zh, en: l.en }]),
);

/** Target scope words come from the catalog (indicators/reference/target-scopes.yaml). */
export const SCOPES: Record<string, T> = Object.fromEntries(
  defaultCatalog().targetScopes.map((s) => [s.id, { zh: s.zh, en: s.en }]),
);

export const SOURCES_OF_DATA: Record<string, T> = {
  telemetry: { zh: '遥测采集', en: 'telemetry' },
  registry: { zh: '登记册', en: 'registry' },
  declaration: { zh: '定期填报', en: 'declarations' },
};

/** Every other label, by key. */
export const L = {
  title_province: { zh: '{scope}数据基础设施监测报告', en: 'Data infrastructure monitoring report: {scope}' },
  title_nation: { zh: '全国数据基础设施监测汇总报告', en: 'National data infrastructure monitoring summary' },
  sheet_cover: { zh: '封面', en: 'Cover' },
  sheet_summary: { zh: '指标汇总', en: 'Summary' },
  sheet_centers: { zh: '中心明细', en: 'Centers' },
  sheet_provinces: { zh: '分省明细', en: 'Provinces' },
  sheet_province_ranks: { zh: '分省明细-全国排名', en: 'Province ranks' },
  sheet_quality: { zh: '数据质量', en: 'Data quality' },
  sheet_definitions: { zh: '指标说明', en: 'Definitions' },
  scope: { zh: '范围', en: 'Scope' },
  period: { zh: '统计期', en: 'Period' },
  window: { zh: '统计区间', en: 'Window' },
  generated_at: { zh: '生成时间', en: 'Generated at' },
  catalog_version: { zh: '指标目录版本', en: 'Catalog version' },
  coverage_centers: { zh: '中心报送覆盖率', en: 'Center coverage' },
  coverage_energy: { zh: 'IT能耗覆盖率', en: 'IT energy coverage' },
  centers_expected: { zh: '应报中心数', en: 'Centers expected' },
  centers_reported: { zh: '已报中心数', en: 'Centers reported' },
  data_status: { zh: '数据情况', en: 'Data status' },
  has_data: { zh: '本期有数据', en: 'data present' },
  no_data: {
    zh: '本期无数据:所列指标均为空,不作为零值',
    en: 'No data for this period: indicator values are empty, not zero',
  },
  not_closed: {
    zh: '统计期尚未结束,数值为截至生成时间的结果',
    en: 'the period has not closed; values are as of generation time',
  },
  suppression: { zh: '小样本抑制', en: 'Small-cell suppression' },
  suppression_on: {
    zh: '已启用:少于{n}个中心的分项不予显示(共隐藏{k}项)',
    en: 'on: breakdowns of fewer than {n} centers are hidden ({k} hidden)',
  },
  suppression_off: { zh: '未启用', en: 'off' },
  time_zone: { zh: '时区', en: 'Time zone' },
  dimension: { zh: '维度', en: 'Dimension' },
  code: { zh: '编号', en: 'Code' },
  indicator: { zh: '指标', en: 'Indicator' },
  indicator_id: { zh: '指标标识', en: 'Indicator id' },
  value: { zh: '数值', en: 'Value' },
  unit: { zh: '单位', en: 'Unit' },
  direction: { zh: '方向', en: 'Direction' },
  target: { zh: '官方目标', en: 'Official target' },
  target_status: { zh: '是否达标', en: 'Target met' },
  rank: { zh: '全国排名', en: 'Rank among provinces' },
  rank_of: { zh: '参与排名省数', en: 'Provinces ranked' },
  previous_value: { zh: '上期值', en: 'Previous period' },
  change: { zh: '环比变化', en: 'Change vs previous' },
  change_pct: { zh: '环比(%)', en: 'Change vs previous (%)' },
  year_ago_value: { zh: '上年同期值', en: 'Same period last year' },
  yoy_change: { zh: '同比变化', en: 'Change vs last year' },
  yoy_change_pct: { zh: '同比(%)', en: 'Change vs last year (%)' },
  centers: { zh: '参与中心数', en: 'Centers' },
  note: { zh: '说明', en: 'Note' },
  level: { zh: '层级', en: 'Level' },
  name: { zh: '名称', en: 'Name' },
  province: { zh: '省份', en: 'Province' },
  center_id: { zh: '中心编号', en: 'Center id' },
  center_name: { zh: '中心名称', en: 'Center name' },
  time_coverage: { zh: '时间覆盖率', en: 'Time coverage' },
  issues: { zh: '问题', en: 'Issues' },
  last_data: { zh: '最后数据时间', en: 'Last data' },
  downtime_hours: { zh: '采集中断(小时)', en: 'Collector downtime (h)' },
  declarations_missing: { zh: '缺失填报项', en: 'Declarations missing' },
  not_reported_count: { zh: '未报送中心数', en: 'Not reported' },
  late_count: { zh: '迟报中心数', en: 'Late' },
  downtime_count: { zh: '采集中断中心数', en: 'With downtime' },
  declaration_missing_count: { zh: '填报缺失中心数', en: 'Declarations missing' },
  quality_ok: { zh: '本期所有应报中心均按时完整报送。', en: 'Every expected center reported on time and in full.' },
  quality_provinces: { zh: '分省数据质量', en: 'Data quality by province' },
  quality_centers: { zh: '存在问题的中心', en: 'Centers with issues' },
  formula: { zh: '计算方法', en: 'Formula' },
  data_sources: { zh: '数据来源', en: 'Data from' },
  target_source: { zh: '目标依据', en: 'Target source' },
  levels: { zh: '适用层级', en: 'Levels' },
  description: { zh: '定义', en: 'Definition' },
  sheet_charts: { zh: '图表', en: 'Charts' },
  sheet_changes: { zh: '本期变化', en: 'Changes' },
  chart_ranks: { zh: '主要指标全国排名', en: 'Rank among provinces, headline indicators' },
  chart_ranks_center: { zh: '主要指标省内排名', en: 'Rank among the province’s centers, headline indicators' },
  rank_of_n: { zh: '第{rank}/{of}名', en: '{rank} of {of}' },
  chart_ranked_below: { zh: '排名领先的对象数(越长越好)', en: 'ranked at or above this many (longer is better)' },
  nation_line: { zh: '全国', en: 'Nation' },
  chart_distribution: { zh: '本省各中心{indicator}分布', en: '{indicator} of the province’s centers' },
  chart_distribution_nation: { zh: '全国各中心{indicator}分布', en: '{indicator} of every center' },
  chart_centers: { zh: '中心数', en: 'centers' },
  chart_provinces: { zh: '各省{indicator}', en: '{indicator} by province' },
  title_center: { zh: '{scope}运行监测报告', en: 'Data center monitoring report: {scope}' },
  center: { zh: '数据中心', en: 'Data center' },
  rank_center: { zh: '省内排名', en: 'Rank in province' },
  rank_of_center: { zh: '省内参与排名中心数', en: 'Centers ranked' },
  completeness: { zh: '数据完整性', en: 'Data completeness' },
  reported: { zh: '本期已报送', en: 'Reported this period' },
  yes: { zh: '是', en: 'yes' },
  no: { zh: '否', en: 'no' },
  changes_title: { zh: '与上期相比的主要变化', en: 'What changed since the previous period' },
  changes_none: { zh: '与上期相比无明显变化。', en: 'Nothing changed notably since the previous period.' },
  why: { zh: '变化类型', en: 'Change' },
  previous_status: { zh: '上期是否达标', en: 'Target met before' },
  delivery_title: { zh: '{scope} {period} 数据基础设施监测报告', en: 'Data infrastructure report: {scope} {period}' },
  delivery_formats: { zh: '格式', en: 'Formats' },
  delivery_open: { zh: '下载报告({format})', en: 'Download the report ({format})' },
  page_footer: { zh: '第 {page} 页 共 {pages} 页', en: 'Page {page} of {pages}' },
  // The statistical form header (统计报表表头).
  form_table_no: { zh: '表号', en: 'Form No.' },
  form_authority: { zh: '制表机关', en: 'Issued by' },
  form_approved_by: { zh: '批准机关', en: 'Approved by' },
  form_approval_no: { zh: '批准文号', en: 'Approval No.' },
  form_valid_until: { zh: '有效期至', en: 'Valid until' },
  form_unit: { zh: '填报单位', en: 'Reporting unit' },
  form_unit_head: { zh: '单位负责人', en: 'Head of unit' },
  form_stats_head: { zh: '统计负责人', en: 'Head of statistics' },
  form_preparer: { zh: '填表人', en: 'Prepared by' },
  form_submitted: { zh: '报出日期', en: 'Date submitted' },
  legend_missed: {
    zh: '红色底纹:未达到官方目标;空白:无数值(见说明)',
    en: 'Red fill: official target missed; blank: no value (see notes)',
  },
} satisfies Record<string, T>;

export type LabelKey = keyof typeof L;

/** A label in `lang`, with `{name}` placeholders filled. */
export function t(key: LabelKey, lang: Lang, vars: Record<string, string | number> = {}): string {
  return L[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

/** One entry of a table above, in `lang` (the key itself when unknown). */
export function word(table: Record<string, T>, key: string, lang: Lang): string {
  return table[key]?.[lang] ?? key;
}
