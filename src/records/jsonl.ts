/**
 * @module Reads center records from JSON Lines files, reporting problems by file, line and field.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseRecord, findOverlaps, dropReplays, type RecordContext } from './parse.ts';
import { recordKey } from '../model/records.ts';
import type { ParsedRecord } from '../model/records.ts';

/** Problems found in a records file; nothing from the file should be used. */
export class RecordsFileError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    const shown = problems.slice(0, 50);
    super(
      `${problems.length} problem(s) in the records:\n${shown.join('\n')}` +
        (problems.length > shown.length ? `\n… and ${problems.length - shown.length} more` : ''),
    );
    this.name = 'RecordsFileError';
    this.problems = problems;
  }
}

/** Reads, validates and overlap-checks a JSON Lines file of center records. */
export async function readRecordsFile(file: string, ctx: RecordContext): Promise<ParsedRecord[]> {
  const problems: string[] = [];
  const records: ParsedRecord[] = [];
  const lines: number[] = [];
  let lineNo = 0;
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  try {
    for await (const raw of rl) {
      lineNo++;
      const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim() === '') continue;
      let data: unknown;
      try {
        data = JSON.parse(line);
      } catch (err) {
        problems.push(`${file}:${lineNo}: is not valid JSON (${(err as Error).message})`);
        continue;
      }
      const { record, problems: found } = parseRecord(data, ctx);
      if (!record) {
        for (const p of found)
          problems.push(
            `${file}:${lineNo}: ${p.path} ${p.message}${p.value === undefined ? '' : ` (got ${JSON.stringify(p.value)})`}`,
          );
        continue;
      }
      records.push(record);
      lines.push(lineNo);
    }
  } catch (err) {
    throw new RecordsFileError([
      `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    ]);
  }
  const lineOf = new Map(records.map((r, i) => [r, lines[i]!]));
  const unique = dropReplays(records);
  for (const o of findOverlaps(unique)) {
    const what = o.metric ? `declaration of ${o.metric}` : 'telemetry interval';
    problems.push(
      `${file}:${lineOf.get(o.b)}: /start ${what} of center ${o.center} overlaps the record on line ${lineOf.get(o.a)} ` +
        `(${recordKey(o.a)} until ${new Date(o.a.endMs).toISOString()})`,
    );
  }
  if (problems.length > 0) throw new RecordsFileError(problems);
  return unique;
}
