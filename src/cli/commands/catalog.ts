/**
 * @module `dims catalog check | list | docs`: validate the catalog, print it, or (re)generate its reference docs.
 */
import { parseOptions } from '../args.ts';
import { CliError } from '../errors.ts';
import { loadCatalog } from '../../catalog/load.ts';
import { CatalogError } from '../../catalog/errors.ts';
import { CATALOG_DIR } from '../../catalog/paths.ts';
import type { Catalog } from '../../catalog/types.ts';

const HELP = `Usage: dims catalog <check|list|docs> [options]

  check                 validate every catalog file; prints one summary line, exit 1 on problems
  list [--format json|table]
                        print the catalog (json: an array of every indicator)
  docs [--write|--check]
                        generate the indicator reference (zh and en), the center-record schema and the
                        README's configuration reference;
                        --check fails when the committed files differ from the catalog

Options:
  --dir DIR             catalog folder (default: the project's indicators/)`;

function load(dir: string): Catalog {
  try {
    return loadCatalog(dir);
  } catch (err) {
    if (err instanceof CatalogError) throw new CliError(err.message);
    throw err;
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    dir: { type: 'string' },
    format: { type: 'string' },
    write: { type: 'boolean' },
    check: { type: 'boolean' },
  });
  const [sub] = positionals;
  if (values.help || !sub) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  const dir = values.dir ?? CATALOG_DIR;
  switch (sub) {
    case 'check': {
      const c = load(dir);
      const dims = new Set(c.indicators.map((i) => i.dimension)).size;
      console.log(
        `${c.indicators.length} indicators in ${dims} dimensions, ${c.metrics.length} raw metrics, ${c.provinces.length} ` +
          `provinces: ok (catalog ${c.version})`,
      );
      return 0;
    }
    case 'list': {
      const c = load(dir);
      const format = values.format ?? 'json';
      if (format === 'json') {
        console.log(
          JSON.stringify(
            c.indicators.map(({ file: _file, ...rest }) => rest),
            null,
            2,
          ),
        );
      } else if (format === 'table') {
        for (const i of c.indicators)
          console.log(
            `${i.code}  ${i.id.padEnd(24)} ${i.unit.padEnd(16)} ${i.computation.method.padEnd(22)} ${i.name.zh} / ${i.name.en}`,
          );
      } else {
        throw new CliError(`--format must be json or table (got ${JSON.stringify(format)})`, 2);
      }
      return 0;
    }
    case 'docs': {
      const { renderDocs, docsDrift, writeDocs } = await import('../../catalog/docs.ts');
      const { writeRecordSchema, recordSchemaCurrent, RECORD_SCHEMA_FILE } = await import('../../records/publish.ts');
      const { writeConfigReference, configReferenceCurrent } = await import('../../docs/config-reference.ts');
      const c = load(dir);
      if (values.check) {
        const drift = docsDrift(c);
        if (!recordSchemaCurrent(c)) drift.push(RECORD_SCHEMA_FILE);
        if (!configReferenceCurrent()) drift.push('README.md (configuration reference)');
        if (drift.length > 0)
          throw new CliError(`indicator docs are out of date (run npm run gen:docs): ${drift.join(', ')}`);
        console.log('indicator docs: up to date');
      } else if (values.write) {
        for (const f of writeDocs(c)) console.log(`wrote ${f}`);
        console.log(`wrote ${writeRecordSchema(c)}`);
        console.log(`wrote ${writeConfigReference()}`);
      } else {
        process.stdout.write(renderDocs(c).get('en') ?? '');
      }
      return 0;
    }
    default:
      throw new CliError(`unknown subcommand ${JSON.stringify(sub)}\n\n${HELP}`, 2);
  }
}
