/**
 * @module `dims report`: writes one province's, the nation's or one center's monthly, quarterly or yearly
 * report (xlsx, csv, json, pdf) from stored values (`--storage`, what the hub serves) or from records
 * evaluated offline.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseOptions, required } from '../args.ts';
import { CliError } from '../errors.ts';
import { defaultCatalog } from '../../catalog/load.ts';
import { loadRegistry, RegistryError, type RegistryIndex } from '../../registry/load.ts';
import { readRecordsFile, RecordsFileError } from '../../records/jsonl.ts';
import { DEFAULT_TZ } from '../../model/periods.ts';
import { engineInputs, storageInputs, type ReportInputs } from '../../report/inputs.ts';
import { checkRequest, FORMATS, ReportRequestError, type FormConfig, type ReportFormat } from '../../report/model.ts';
import { checkPeriodAndLang } from '../../report/request.ts';
import { generateReport } from '../../report/render.ts';
import { closePdfEngine, PdfEngineMissing } from '../../report/pdf.ts';
import { checkForm } from '../../report/form.ts';
import { openStorage, type StorageConfig } from '../../storage/open.ts';
import type { Storage } from '../../storage/types.ts';

const HELP = `Usage: dims report (--province CODE | --level nation | --center ID) --period P [options] --out PATH

Writes a report: cover with the statistical form header, the 60 indicators with targets, rank
among provinces and changes, charts, the breakdown by center (or by province for the nation),
data quality and definitions. A center's report has its indicators, its rank among its
province's centers, its data completeness and what changed since the previous period.

Scope and period:
  --province CODE       a province (GB/T 2260 two-digit code, e.g. 44)
  --level nation        the national summary across provinces instead
  --center ID           one center's own report (a center id of the registry)
  --period P            a month 2026-10, a quarter 2026-Q3 or a year 2026

Where the values come from (one of):
  --storage FILE        stored values: a storage config (YAML/JSON: { kind: sqlite, path } or InfluxDB)
                        or a hub config (its storage, registry and timezone are used)
  --registry R --records F.jsonl [--declarations F.jsonl]
                        evaluate records offline with the engine (the same values dims eval prints)

Output:
  --format F            xlsx (default; or from --out's extension), csv, json or pdf
                        (pdf is printed by Chromium; Debian: apt-get install chromium fonts-noto-cjk)
  --form FILE           the statistical form header (YAML/JSON; src/report/form.schema.json)
  --lang L              zh (default) or en
  --out PATH            the file to write; - writes csv or json to stdout
  --suppress            hide province breakdown values of fewer than 3 centers (national report)
  --generated-at T      generation time (RFC 3339; default now): the same time gives the same bytes
  --tz ZONE             time zone of periods (default ${DEFAULT_TZ}; a hub config's timezone wins)
  --registry R          also with --storage: the registry for center names (default: the hub config's)`;

interface Source {
  inputs: ReportInputs;
  close(): Promise<void>;
}

function readConfig(file: string): Record<string, unknown> {
  try {
    const text = readFileSync(file, 'utf8');
    const doc = (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as unknown;
    if (!doc || typeof doc !== 'object') throw new Error('not a mapping');
    return doc as Record<string, unknown>;
  } catch (err) {
    throw new CliError(`--storage ${file}: ${(err as Error).message}`);
  }
}

function registryOf(file: string, catalog: ReturnType<typeof defaultCatalog>): RegistryIndex {
  try {
    return loadRegistry(file, catalog);
  } catch (err) {
    if (err instanceof RegistryError) throw new CliError(err.message);
    throw err;
  }
}

async function openSource(
  values: Record<string, string | boolean | string[] | undefined>,
  catalog: ReturnType<typeof defaultCatalog>,
): Promise<Source> {
  let tz = (values.tz as string | undefined) ?? DEFAULT_TZ;
  if (values.storage) {
    if (values.records) throw new CliError('give either --storage or --records, not both', 2);
    const file = values.storage as string;
    const doc = readConfig(file);
    const base = path.dirname(path.resolve(file));
    const abs = (p: string) => (path.isAbsolute(p) || p === ':memory:' ? p : path.resolve(base, p));
    const isHub = typeof doc.storage === 'object' && doc.storage !== null;
    const config = { ...((isHub ? doc.storage : doc) as Record<string, unknown>) };
    if (typeof config.path === 'string') config.path = abs(config.path);
    const regFile =
      (values.registry as string | undefined) ??
      (isHub && typeof doc.registry === 'string' ? abs(doc.registry) : undefined);
    if (!regFile) throw new CliError('--registry is required with a storage config (a hub config names its own)', 2);
    if (isHub && typeof doc.timezone === 'string') tz = doc.timezone;
    const registry = registryOf(regFile, catalog);
    let storage: Storage;
    try {
      storage = await openStorage(config as unknown as StorageConfig);
    } catch (err) {
      throw new CliError(`--storage ${file}: ${(err as Error).message}`);
    }
    return { inputs: storageInputs(storage, { catalog, registry, tz }), close: () => storage.close() };
  }
  const registry = registryOf(required(values.registry as string | undefined, 'registry'), catalog);
  try {
    let records = await readRecordsFile(required(values.records as string | undefined, 'records'), {
      catalog,
      registry,
      anyInterval: true,
    });
    if (values.declarations)
      records = records.concat(
        await readRecordsFile(values.declarations as string, { catalog, registry, anyInterval: true }),
      );
    return { inputs: engineInputs({ catalog, registry, records, tz }), close: async () => {} };
  } catch (err) {
    if (err instanceof RecordsFileError) throw new CliError(err.message);
    throw err;
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      province: { type: 'string' },
      level: { type: 'string' },
      center: { type: 'string' },
      form: { type: 'string' },
      period: { type: 'string' },
      format: { type: 'string' },
      lang: { type: 'string' },
      out: { type: 'string' },
      storage: { type: 'string' },
      registry: { type: 'string' },
      records: { type: 'string' },
      declarations: { type: 'string' },
      suppress: { type: 'boolean' },
      'generated-at': { type: 'string' },
      tz: { type: 'string' },
    },
    false,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.level !== undefined && values.level !== 'nation' && values.level !== 'province')
    throw new CliError(`--level must be nation or province (got ${JSON.stringify(values.level)})`, 2);
  if (
    [values.level === 'nation', values.province !== undefined, values.center !== undefined].filter(Boolean).length > 1
  )
    throw new CliError('give one of --province, --level nation or --center', 2);
  const center = values.center !== undefined;
  const scope = values.level === 'nation' ? 'nation' : center ? values.center! : required(values.province, 'province');
  const period = required(values.period, 'period');
  const out = required(values.out, 'out');
  const ext = path.extname(out).slice(1);
  const format = (values.format ?? ((FORMATS as string[]).includes(ext) ? ext : 'xlsx')) as ReportFormat;
  if (!FORMATS.includes(format))
    throw new CliError(`--format must be one of ${FORMATS.join(', ')} (got ${JSON.stringify(values.format)})`, 2);
  if (out === '-' && (format === 'xlsx' || format === 'pdf'))
    throw new CliError(`${format} cannot go to stdout; give --out FILE.${format}`, 2);
  const lang = values.lang ?? 'zh';
  if (lang !== 'zh' && lang !== 'en') throw new CliError(`--lang must be zh or en (got ${JSON.stringify(lang)})`, 2);
  const generatedAt = values['generated-at'] ?? new Date().toISOString();
  if (!/^\d{4}-\d{2}-\d{2}T/.test(generatedAt) || !Number.isFinite(Date.parse(generatedAt)))
    throw new CliError(`--generated-at must be an RFC 3339 time (got ${JSON.stringify(generatedAt)})`, 2);
  const catalog = defaultCatalog();
  // Check scope and period before reading any input: a typo should not cost a records parse.
  try {
    if (center) checkPeriodAndLang({ period, lang });
    else checkRequest(catalog, { scope, period, lang });
  } catch (err) {
    if (err instanceof ReportRequestError)
      throw new CliError(`--${err.field === 'scope' ? 'province' : err.field}: ${err.message}`, 2);
    throw err;
  }
  const form = values.form ? readForm(values.form) : undefined;
  const source = await openSource(values, catalog);
  try {
    const r = await generateReport(
      source.inputs,
      { scope, period, lang, generatedAt, suppress: values.suppress ?? false, center, ...(form ? { form } : {}) },
      format,
    );
    if (out === '-') process.stdout.write(r.body);
    else writeFileSync(out, r.body);
    const m = r.model;
    if (out !== '-')
      console.error(
        `wrote ${out}: ${m.scope.name} ${m.period.name}, ${m.coverage.centers_reported}/${m.coverage.centers_expected} ` +
          `centers reported${m.coverage.has_data ? '' : ' (no data for this period)'}`,
      );
    return 0;
  } catch (err) {
    if (err instanceof ReportRequestError)
      throw new CliError(`--${err.field === 'scope' ? 'province' : err.field}: ${err.message}`, 2);
    if (err instanceof PdfEngineMissing) throw new CliError(err.message);
    throw err;
  } finally {
    await source.close();
    await closePdfEngine();
  }
}

function readForm(file: string): FormConfig {
  let doc: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    doc = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new CliError(`--form ${file}: ${(err as Error).message}`, 2);
  }
  try {
    return checkForm(doc, file);
  } catch (err) {
    throw new CliError(`--form ${(err as Error).message}`, 2);
  }
}
