/**
 * @module `dims bench <name|all>`: runs benchmarks and prints figures beside baselines measured in the same run.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseOptions } from '../args.ts';
import { CliError } from '../errors.ts';
import { benchTable, type BenchResult } from '../../bench/table.ts';
import { BENCHES } from '../../bench/registry.ts';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { out: { type: 'string' }, quick: { type: 'boolean' } });
  const help = `Usage: dims bench <${[...Object.keys(BENCHES), 'all'].join('|')}> [--out DIR] [--quick]\n\n${Object.entries(
    BENCHES,
  )
    .map(([k, v]) => `  ${k.padEnd(9)} ${v.summary}`)
    .join('\n')}\n  all       every benchmark, one table (markdown + JSON with --out)`;
  const [name] = positionals;
  if (values.help || !name) {
    console.log(help);
    return values.help ? 0 : 2;
  }
  const names = name === 'all' ? Object.keys(BENCHES) : [name];
  for (const n of names) if (!BENCHES[n]) throw new CliError(`unknown benchmark ${JSON.stringify(n)}\n\n${help}`, 2);
  const results: BenchResult[] = [];
  for (const n of names) {
    const fn = await BENCHES[n]!.load();
    results.push(await fn({ log: (s) => console.error(s), quick: values.quick ?? false }));
  }
  const table = benchTable(results);
  console.log(table);
  if (values.out) {
    mkdirSync(values.out, { recursive: true });
    writeFileSync(path.join(values.out, 'bench.md'), `${table}\n`);
    writeFileSync(path.join(values.out, 'bench.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.error(`wrote ${path.join(values.out, 'bench.md')} and bench.json`);
  }
  return 0;
}
