/**
 * @module `dims bench <name|all>`: runs benchmarks and prints figures beside baselines measured in the same run.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseOptions } from '../args.ts';
import { CliError } from '../errors.ts';
import { benchTable, type BenchResult } from '../../bench/table.ts';
import { BENCHES, type BenchOpts } from '../../bench/registry.ts';

const STORES = ['sqlite', 'influxdb'] as const;

/** `--stores sqlite,influxdb` → the stores, each checked. */
function parseStores(text: string): NonNullable<BenchOpts['stores']> {
  return text.split(',').map((s) => {
    const store = STORES.find((x) => x === s.trim());
    if (!store) throw new CliError(`--stores: ${JSON.stringify(s)} is not one of ${STORES.join(', ')}`, 2);
    return store;
  });
}

/** `--sizes 1000,10000` → fleet sizes, each a positive integer. */
function parseSizes(text: string): number[] {
  return text.split(',').map((s) => {
    const n = Number(s.trim().replaceAll('_', ''));
    if (!Number.isInteger(n) || n < 1)
      throw new CliError(`--sizes: ${JSON.stringify(s)} is not a number of centers`, 2);
    return n;
  });
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    out: { type: 'string' },
    quick: { type: 'boolean' },
    stores: { type: 'string' },
    sizes: { type: 'string' },
    'skip-floors': { type: 'boolean' },
  });
  const help =
    `Usage: dims bench <${[...Object.keys(BENCHES), 'all'].join('|')}> [--out DIR] [--quick] [--stores sqlite,influxdb] [--sizes N,N] [--skip-floors]\n\n${Object.entries(
      BENCHES,
    )
      .map(([k, v]) => `  ${k.padEnd(9)} ${v.summary}`)
      .join('\n')}\n  all       every benchmark, one table (markdown + JSON with --out)\n\n` +
    `  --stores, --sizes  hub only: which stores and fleet sizes to run (default both stores; 1,000 and 10,000\n` +
    `                     centers, with --quick 200 and 2,000)\n` +
    `  --skip-floors      hub only: leave out the in-memory baselines (reading their inputs back from InfluxDB at\n` +
    `                     10,000 centers takes longer than the rest of the run); the closes print no baseline`;
  const [name] = positionals;
  if (values.help || !name) {
    console.log(help);
    return values.help ? 0 : 2;
  }
  const names = name === 'all' ? Object.keys(BENCHES) : [name];
  for (const n of names) if (!BENCHES[n]) throw new CliError(`unknown benchmark ${JSON.stringify(n)}\n\n${help}`, 2);
  if ((values.stores !== undefined || values.sizes !== undefined || values['skip-floors']) && name !== 'hub')
    throw new CliError('--stores, --sizes and --skip-floors apply to the hub benchmark only (dims bench hub)', 2);
  const stores = values.stores !== undefined ? parseStores(values.stores) : undefined;
  const sizes = values.sizes !== undefined ? parseSizes(values.sizes) : undefined;
  const results: BenchResult[] = [];
  for (const n of names) {
    const fn = await BENCHES[n]!.load();
    results.push(
      await fn({
        log: (s) => console.error(s),
        quick: values.quick ?? false,
        ...(stores ? { stores } : {}),
        ...(sizes ? { sizes } : {}),
        ...(values['skip-floors'] ? { floors: false } : {}),
      }),
    );
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
