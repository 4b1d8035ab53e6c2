/**
 * @module Panel helpers that read the catalog: Grafana units, thresholds from official targets, descriptions.
 *
 * Thresholds are written once, in the catalog (style rule 15): the colour steps of a panel come from the
 * indicator's official target (met = green), falling back to its alert thresholds, never from literals here.
 */
import { ThresholdsConfigBuilder, ThresholdsMode, type Threshold } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Indicator } from '../../src/catalog/types.ts';
import { officialTarget, targetText } from '../../src/catalog/targets.ts';
import { p, tr, type Lang } from './i18n.ts';

/** Grafana unit ids for catalog units Grafana knows; everything else is shown as a suffix. */
const UNIT_IDS: Record<string, string> = {
  '%': 'percent',
  ratio: 'none',
  ms: 'ms',
  count: 'short',
  MW: 'megwatt',
  'kW/rack': 'suffix: kW/rack',
};

/** The Grafana unit of an indicator. */
export function grafanaUnit(unit: string): string {
  return UNIT_IDS[unit] ?? `suffix: ${unit}`;
}

const GREEN = 'green';
const RED = 'red';
const ORANGE = 'orange';
const NEUTRAL = 'blue';

/** Colour steps: the official target decides green/red; without one, the alert thresholds; else neutral. */
export function indicatorThresholds(ind: Indicator): Threshold[] {
  const t = officialTarget(ind);
  if (t && t.op !== undefined && t.value !== undefined && t.op !== '==') {
    // Grafana colours a value with the highest step at or below it, so "≥ v is met" is red then green at v.
    return t.op === '>' || t.op === '>='
      ? [
          { value: null, color: RED },
          { value: t.value, color: GREEN },
        ]
      : [
          { value: null, color: GREEN },
          { value: t.value, color: RED },
        ];
  }
  const th = ind.thresholds;
  if (th) {
    const steps: Threshold[] = [];
    if (th.op === '>') {
      steps.push({ value: null, color: GREEN });
      if (th.warning !== undefined) steps.push({ value: th.warning, color: ORANGE });
      if (th.critical !== undefined) steps.push({ value: th.critical, color: RED });
    } else {
      steps.push({ value: null, color: th.critical !== undefined ? RED : ORANGE });
      if (th.critical !== undefined && th.warning !== undefined) steps.push({ value: th.critical, color: ORANGE });
      if (th.warning !== undefined) steps.push({ value: th.warning, color: GREEN });
    }
    return steps;
  }
  return [{ value: null, color: NEUTRAL }];
}

export function thresholdsBuilder(steps: Threshold[]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

/** Panel title: code and name, e.g. "C01 电能利用效率". */
export function indicatorTitle(ind: Indicator, lang: Lang): string {
  return `${ind.code} ${tr(ind.name, lang)}`;
}

/** Panel description: the catalog description plus the official target. */
export function indicatorDescription(ind: Indicator, lang: Lang): string {
  const target = targetText(ind);
  return target ? `${tr(ind.description, lang)}\n\n${p('target', lang)}: ${target}` : tr(ind.description, lang);
}

/** Decimals that suit a unit: ratios like PUE need two, percentages one. */
export function decimalsFor(unit: string): number | undefined {
  if (unit === 'ratio' || unit === 'L/kWh' || unit === 'kgCO2/kWh') return 2;
  if (unit === '%' || unit === 'pp') return 1;
  return undefined;
}
