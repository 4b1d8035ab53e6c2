/**
 * @module `dims start` (npm start): evaluates a generated national fleet for last month and prints the
 * national summary of the 60 indicators by dimension, with targets and the provinces' PUE ranking.
 */
import { parseOptions } from '../args.ts';
import { CliError } from '../errors.ts';
import { defaultCatalog } from '../../catalog/load.ts';
import { syntheticFleet } from '../../engine/synthetic.ts';
import { evaluate, memorySource } from '../../engine/evaluate.ts';
import { periodName, periodWindow, shiftPeriod } from '../../engine/periods.ts';
import { rankValues, targetStatus, targetText } from '../../catalog/targets.ts';
import type { IndicatorValue } from '../../engine/types.ts';

const HELP = `Usage: dims start [--centers N] [--seed S] [--period YYYY-MM]

Generates a national fleet (N centers over the 31 provinces, a month of daily records each),
evaluates the 60 indicators for every center, province and the nation, and prints the national summary.

Options:
  --centers N   centers in the fleet (default 100)
  --seed S      fleet seed (default 1)
  --period P    month to evaluate (default: last month in Asia/Shanghai)`;

function fmt(v: number | null): string {
  if (v === null) return '—';
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { centers: { type: 'string' }, seed: { type: 'string' }, period: { type: 'string' } }, false);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const centers = Number(values.centers ?? 100);
  const seed = Number(values.seed ?? 1);
  if (!Number.isInteger(centers) || centers < 1 || centers > 20000) throw new CliError(`--centers must be an integer from 1 to 20000 (got ${JSON.stringify(values.centers)})`, 2);
  if (!Number.isInteger(seed)) throw new CliError(`--seed must be an integer (got ${JSON.stringify(values.seed)})`, 2);
  const period = values.period ?? shiftPeriod('month', periodName('month', Date.now()), -1);
  let window;
  try {
    window = periodWindow('month', period);
  } catch (err) {
    throw new CliError(`--period: ${(err as Error).message}`, 2);
  }
  const catalog = defaultCatalog();
  const days = Math.round((window.toMs - window.fromMs) / 86_400_000);
  const { registry, records } = syntheticFleet(catalog, { centers, days, seed, fromMs: window.fromMs });
  const t = performance.now();
  const result = await evaluate({ catalog, registry, window, source: memorySource(records) });
  const ms = performance.now() - t;
  const nation = new Map(result.filter((v) => v.level === 'nation').map((v) => [v.indicator, v]));
  console.log(`dims — national summary for ${period} (Asia/Shanghai), ${centers} generated centers in 31 provinces, ${records.length} records, evaluated in ${ms.toFixed(0)} ms\n`);
  const dims = { A: '算力规模 Computing scale', B: '运行效能 Operating efficiency', C: '绿色低碳 Green and low-carbon', D: '安全自主与网络 Security, autonomy, network' };
  for (const [d, title] of Object.entries(dims)) {
    console.log(`${d}  ${title}`);
    for (const ind of catalog.indicators.filter((i) => i.dimension === d)) {
      const v = nation.get(ind.id) as IndicatorValue;
      const status = targetStatus(ind, v.value);
      const mark = status === 'met' ? 'met' : status === 'missed' ? 'MISSED' : '';
      const val = v.value === null ? `— (${v.reason})` : `${fmt(v.value)} ${ind.unit}`;
      console.log(`  ${ind.code} ${ind.name.zh.padEnd(12, '　')} ${ind.name.en.slice(0, 38).padEnd(38)} ${val.padStart(22)}  ${targetText(ind).padEnd(18)} ${mark}`);
    }
    console.log('');
  }
  const pue = catalog.indicatorById.get('pue')!;
  const provinceValues = result.filter((v) => v.level === 'province' && v.indicator === 'pue');
  const ranks = rankValues(pue, provinceValues.map((v) => ({ code: v.code, value: v.value })));
  const order = [...ranks.entries()].filter(([, r]) => r !== null).sort((a, b) => (a[1] as number) - (b[1] as number));
  const name = (code: string) => catalog.provinceByCode.get(code)!.zh;
  const pv = (code: string) => fmt(provinceValues.find((v) => v.code === code)!.value);
  console.log(`PUE ranking of provinces (lower is better): best ${order.slice(0, 3).map(([c, r]) => `${r}. ${name(c)} ${pv(c)}`).join(', ')}; worst ${order.slice(-3).map(([c, r]) => `${r}. ${name(c)} ${pv(c)}`).join(', ')}`);
  const cov = nation.get('pue')!.coverage;
  console.log(`Coverage: ${fmt((cov.centers ?? 0) * 100)}% of centers reported, ${fmt((cov.it_energy ?? 0) * 100)}% of expected IT energy.`);
  return 0;
}
