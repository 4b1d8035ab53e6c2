/**
 * @module The JSON rendering of a report: the model itself, validated against report.schema.json (committed
 * beside it, so consumers can validate what they receive).
 */
import { readFileSync } from 'node:fs';
import { compileSchema, formatProblem } from '../shared/json-schema.ts';
import type { ReportModel } from './model.ts';

/** The JSON Schema of a report document. */
export const reportSchema: object = JSON.parse(
  readFileSync(new URL('./report.schema.json', import.meta.url), 'utf8'),
) as object;

const validator = compileSchema<ReportModel>(reportSchema);

/** Problems of a report document against the schema, formatted; empty when valid. */
export function checkReportJson(doc: unknown): string[] {
  return validator.problems(doc).map((p) => formatProblem(p));
}

/** Renders the model as JSON text (two-space indent, trailing newline). */
export function renderJson(m: ReportModel): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}
