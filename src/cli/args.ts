/** @module Command-line option parsing shared by every command (node:util parseArgs with friendly errors). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `argv` against `options`; unknown options and missing values become a CliError that names them.
 * Returns the values and the positionals.
 */
export function parseOptions<O extends Options>(argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' }, ...options },
      allowPositionals,
      strict: true,
    });
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
}

/** Returns the option's string value or throws a CliError saying it is required. */
export function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new CliError(`option --${name} is required`, 2);
  return value;
}
