/**
 * @module `dims eval`: evaluate every indicator offline from a registry and a JSON Lines file of records.
 */
import { writeFileSync } from 'node:fs';
import { parseOptions, required } from '../args.ts';
import { CliError } from '../errors.ts';
import { defaultCatalog } from '../../catalog/load.ts';
import { loadRegistry, RegistryError } from '../../registry/load.ts';
import { readRecordsFile, RecordsFileError } from '../../records/jsonl.ts';
import { evaluate, memorySource } from '../../engine/evaluate.ts';
import { parsePeriod, DEFAULT_TZ } from '../../model/periods.ts';
import type { Level, Window } from '../../model/values.ts';
import type { ParsedRecord } from '../../model/records.ts';

const HELP = `Usage: dims eval --registry R --records F.jsonl [options]

Evaluates the 60 indicators for every center, province and the nation.

Options:
  --registry FILE       center registry (YAML or JSON: { centers: [...] })
  --records FILE        center records, one JSON object per line (telemetry and declarations)
  --declarations FILE   more records from filings (JSON Lines), optional
  --from T --to T       window [from, to) as RFC 3339 (default: the span the records cover)
  --period P            a named period instead: 2026-10, 2026-Q3, 2026, 2026-10-05, 2026-10-05T13
  --tz ZONE             time zone of named periods (default ${DEFAULT_TZ})
  --level L             only this level: center, province or nation (repeatable)
  --format json         output format (json)
  --out FILE            write to FILE instead of stdout`;

function time(value: string, name: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(value))
    throw new CliError(`--${name} must be an RFC 3339 time (got ${JSON.stringify(value)})`, 2);
  return ms;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      registry: { type: 'string' },
      records: { type: 'string' },
      declarations: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      period: { type: 'string' },
      tz: { type: 'string' },
      level: { type: 'string', multiple: true },
      format: { type: 'string' },
      out: { type: 'string' },
    },
    false,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const format = values.format ?? 'json';
  if (format !== 'json') throw new CliError(`--format must be json (got ${JSON.stringify(format)})`, 2);
  const levels = (values.level ?? ['nation', 'province', 'center']) as Level[];
  for (const l of levels)
    if (!['nation', 'province', 'center'].includes(l))
      throw new CliError(`--level must be center, province or nation (got ${JSON.stringify(l)})`, 2);
  const tz = values.tz ?? DEFAULT_TZ;
  const catalog = defaultCatalog();
  let records: ParsedRecord[];
  let registry;
  try {
    registry = loadRegistry(required(values.registry, 'registry'), catalog);
    records = await readRecordsFile(required(values.records, 'records'), { catalog, registry, anyInterval: true });
    if (values.declarations)
      records = records.concat(await readRecordsFile(values.declarations, { catalog, registry, anyInterval: true }));
  } catch (err) {
    if (err instanceof RegistryError || err instanceof RecordsFileError) throw new CliError(err.message);
    throw err;
  }
  let window: Window;
  if (values.period) {
    if (values.from || values.to) throw new CliError('give either --period or --from/--to, not both', 2);
    try {
      const p = parsePeriod(values.period, tz);
      window = { fromMs: p.fromMs, toMs: p.toMs, period: p.period };
    } catch (err) {
      throw new CliError(`--period: ${(err as Error).message}`, 2);
    }
  } else {
    const telemetry = records.filter((r) => r.source === 'telemetry');
    const span = telemetry.length > 0 ? telemetry : records;
    if (span.length === 0 && (!values.from || !values.to))
      throw new CliError('the records file has no records; give --from and --to', 2);
    const fromMs = values.from ? time(values.from, 'from') : Math.min(...span.map((r) => r.startMs));
    const toMs = values.to ? time(values.to, 'to') : Math.max(...span.map((r) => r.endMs));
    if (!(toMs > fromMs))
      throw new CliError(
        `--to must be after --from (got ${new Date(fromMs).toISOString()} .. ${new Date(toMs).toISOString()})`,
        2,
      );
    window = { fromMs, toMs };
  }
  const values_ = await evaluate({ catalog, registry, window, source: memorySource(records), tz, levels });
  const doc = {
    from: new Date(window.fromMs).toISOString(),
    to: new Date(window.toMs).toISOString(),
    ...(window.period ? { period: window.period } : {}),
    catalog: catalog.version,
    values: values_,
  };
  const text = `${JSON.stringify(doc, null, 1)}\n`;
  if (values.out) writeFileSync(values.out, text);
  else process.stdout.write(text);
  return 0;
}
