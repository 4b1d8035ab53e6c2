/**
 * @module Alert rules generated from the catalog's thresholds: for every indicator with `thresholds`, one rule
 * per level in `thresholds.levels` and per severity that has a bound. All severities of an indicator share one
 * alertname (`Dims<Id>High` or `…Low`), so Alertmanager can let the critical alert mute the warning of the same node.
 */
import type { Catalog, Indicator } from '../src/catalog/types.ts';
import type { Level } from '../src/model/values.ts';
import { describeComputation } from '../src/catalog/docs.ts';
import { targetText } from '../src/catalog/targets.ts';
import { VALUE, dashboardUrl, nodeText, runbookUrl } from './annotations.ts';
import { durationMinutes } from './duration.ts';
import type { AlertRule, RuleSpec, RuleUrls } from './types.ts';

export type Severity = 'warning' | 'critical';
const SEVERITIES: Severity[] = ['warning', 'critical'];

/** pue → Pue, rack_growth_yoy → RackGrowthYoy */
function pascal(id: string): string {
  return id
    .split(/[_-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

export function indicatorAlertName(ind: Indicator): string {
  if (!ind.thresholds) throw new Error(`${ind.id} has no thresholds`);
  return `Dims${pascal(ind.id)}${ind.thresholds.op === '>' ? 'High' : 'Low'}`;
}

/** Example node labels per level, as the hub exports them (empty labels are absent in Prometheus). */
export const EXAMPLE_NODE: Record<Level, Record<string, string>> = {
  center: { level: 'center', province: '44', center: '44-0001' },
  province: { level: 'province', province: '44' },
  nation: { level: 'nation' },
};

function seriesText(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
}

const SEVERITY_WORDS = { warning: { zh: '告警', en: 'warning' }, critical: { zh: '严重', en: 'critical' } } as const;

function unitSuffix(ind: Indicator): string {
  return ind.unit === 'ratio' || ind.unit === 'count' ? '' : ` ${ind.unit}`;
}

function rule(ind: Indicator, level: Level, severity: Severity, bound: number, urls: RuleUrls): AlertRule {
  const th = ind.thresholds!;
  const alert = indicatorAlertName(ind);
  const above = th.op === '>';
  const target = targetText(ind);
  return {
    alert,
    expr: `dims_indicator_value{indicator="${ind.id}",level="${level}"} ${th.op} ${bound}`,
    ...(th.for && th.for !== '0m' ? { for: th.for } : {}),
    labels: { severity, level, kind: 'indicator', indicator: ind.id, code: ind.code, dimension: ind.dimension },
    annotations: {
      summary: `${ind.name.zh}${above ? '高于' : '低于'}${SEVERITY_WORDS[severity].zh}阈值 ${bound}${unitSuffix(ind)}:${nodeText(level, 'zh')}当前 ${VALUE}`,
      summary_en:
        `${ind.name.en} ${above ? 'above' : 'below'} the ${SEVERITY_WORDS[severity].en} threshold ${bound}${unitSuffix(ind)} ` +
        `at ${nodeText(level, 'en')}: ${VALUE}`,
      description:
        `${ind.code} ${ind.name.zh}(实时窗口)持续${th.for ?? '0m'}${above ? '高于' : '低于'} ${bound}。` +
        `${target ? `目标:${target}。` : ''}计算:${describeComputation(ind, 'zh')}`,
      description_en:
        `${ind.code} ${ind.name.en} (real-time window) has been ${above ? 'above' : 'below'} ${bound} ` +
        `for ${th.for ?? '0m'}.${target ? ` Target: ${target}.` : ''} ` +
        `Computed as: ${describeComputation(ind, 'en')}`,
      runbook_url: runbookUrl(urls, alert),
      dashboard_url: dashboardUrl(urls, level),
    },
  };
}

/** A value clearly beyond `bound` in the alerting direction. */
function beyond(op: '>' | '<', bound: number): number {
  const step = Math.max(1, Math.abs(bound) * 0.5);
  return op === '>' ? bound + step : bound - step;
}

/** Rules (with runbook text and test fixtures) for every thresholded indicator. */
export function catalogRules(catalog: Catalog, urls: RuleUrls): RuleSpec[] {
  const specs: RuleSpec[] = [];
  for (const ind of catalog.indicators) {
    const th = ind.thresholds;
    if (!th) continue;
    const forMin = th.for ?? '0m';
    for (const level of th.levels.filter((l) => ind.levels.includes(l))) {
      const bounds = SEVERITIES.filter((s) => th[s] !== undefined).map((s) => ({
        severity: s,
        bound: th[s] as number,
        rule: rule(ind, level, s, th[s] as number, urls),
      }));
      const series = { ...EXAMPLE_NODE[level], indicator: ind.id, dimension: ind.dimension };
      const fires = (v: number) => bounds.filter((b) => (th.op === '>' ? v > b.bound : v < b.bound));
      for (const b of bounds) {
        // The critical fixture crosses the warning bound too, so both alerts are expected; the warning fixture sits between the two.
        const other = bounds.find((x) => x !== b);
        const v = b.severity === 'critical' || !other ? beyond(th.op, b.bound) : (b.bound + other.bound) / 2;
        const good = bounds.reduce(
          (acc, x) => (th.op === '>' ? Math.min(acc, x.bound) : Math.max(acc, x.bound)),
          b.bound,
        );
        specs.push({
          group: `dims-indicators-${ind.dimension.toLowerCase()}`,
          rule: b.rule,
          runbook: {
            meaning: {
              zh:
                `${ind.code} ${ind.name.zh}在${level === 'center' ? '数据中心' : level === 'province' ? '省' : '全国'}` +
                `层级持续${forMin}${th.op === '>' ? '高于' : '低于'}${SEVERITY_WORDS[b.severity].zh}阈值 ` +
                `${b.bound}${unitSuffix(ind)}。${ind.description.zh}`,
              en:
                `${ind.code} ${ind.name.en} at ${level} level has been ${th.op === '>' ? 'above' : 'below'} the ${b.severity} ` +
                `threshold ${b.bound}${unitSuffix(ind)} for ${forMin}. ${ind.description.en}`,
            },
            computation: { zh: describeComputation(ind, 'zh'), en: describeComputation(ind, 'en') },
            checks: {
              zh: [
                `打开告警中的 dashboard_url,查看该${level === 'center' ? '中心' : '省'}此指标的时间曲线与全国值对比。`,
                `检查原始量 ${ind.raw_metrics.join('、')} 是否齐全、是否有计数器重置或表计更换(采集状态面板)。`,
                `确认数据覆盖率(coverage)正常;覆盖率低时数值可能由少数中心决定。`,
                '若为真实变化,联系中心运维确认设备状态(制冷、供配电、负载变化)。',
              ],
              en: [
                `Open the alert's dashboard_url: this indicator over time for the ${level}, against the national value.`,
                `Check that the raw metrics ${ind.raw_metrics.join(', ')} are complete and have no counter resets or ` +
                  `meter replacements (collectors dashboard).`,
                'Check coverage: with low coverage a few centers decide the value.',
                'If the change is real, call the center’s operations team (cooling, power distribution, load changes).',
              ],
            },
          },
          fixture: {
            firing: [
              {
                series: seriesText('dims_indicator_value', series),
                values: `${v}x${Math.ceil(durationMinutes(forMin)) + 10}`,
              },
            ],
            expected: fires(v).map((x) => ({ rule: x.rule, labels: { ...series, ...x.rule.labels }, value: v })),
            evalMinutes: Math.ceil(durationMinutes(forMin)) + 2,
            silent: [
              {
                series: seriesText('dims_indicator_value', series),
                values: `${good}x${Math.ceil(durationMinutes(forMin)) + 10}`,
              },
            ],
          },
        });
      }
    }
  }
  return specs;
}

export { seriesText };
