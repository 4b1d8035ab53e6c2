/** @module Template variables shared by the dashboards: province and center (InfluxQL), indicator (catalog), Prometheus labels. */
import {
  CustomVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { Indicator } from '../../src/catalog/types.ts';
import { INFLUX, PROM } from './datasources.ts';
import { p, tr, type Lang } from './i18n.ts';
import { RECORDS, tagValues } from './influxql.ts';

/** Province codes whose centers sent records (the engine also writes null rows for provinces without centers). */
export function provinceVariable(lang: Lang): QueryVariableBuilder {
  return new QueryVariableBuilder('province')
    .label(p('province', lang))
    .datasource(INFLUX)
    .query(tagValues(RECORDS, 'province'))
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

/** Centers of the chosen province that sent records. */
export function centerVariable(lang: Lang): QueryVariableBuilder {
  return new QueryVariableBuilder('center')
    .label(p('center', lang))
    .datasource(INFLUX)
    .query(tagValues(RECORDS, 'center', `"province" =~ /^$province$/`))
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

/** The catalog's indicators as `name : id` pairs; commas are Grafana's separator, so names lose theirs. */
export function indicatorVariable(lang: Lang, indicators: Indicator[], current = 'pue'): CustomVariableBuilder {
  const options = indicators.map(
    (i) => `${i.code} ${tr(i.name, lang).replace(/,/g, ';').replace(/ : /g, ': ')} : ${i.id}`,
  );
  const cur = indicators.find((i) => i.id === current) ?? indicators[0];
  const v = new CustomVariableBuilder('indicator').label(p('indicator', lang)).values(options.join(','));
  if (cur) v.current({ text: `${cur.code} ${tr(cur.name, lang)}`, value: cur.id, selected: true });
  return v;
}

/** A Prometheus label's values (`label_values(metric, label)`), with an All option matching everything. */
export function promLabelVariable(name: string, label: string, metric: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(PROM)
    .query(`label_values(${metric}, ${name})`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .includeAll(true)
    .multi(true)
    .allValue('.*')
    .sort(VariableSort.AlphabeticalAsc);
}
