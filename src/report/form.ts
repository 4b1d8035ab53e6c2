/**
 * @module The statistical form header (统计报表表头) of a report: the deployment's configured fields, the
 * reporting unit for the report's scope, and the submission date (the generation date unless configured).
 */
import { readFileSync } from 'node:fs';
import { compileSchema, formatProblem } from '../shared/json-schema.ts';
import type { FormConfig, FormHeader } from './types.ts';
import { localTime } from './local-time.ts';

export const formSchema = JSON.parse(readFileSync(new URL('./form.schema.json', import.meta.url), 'utf8')) as object;
const validator = compileSchema<FormConfig>(formSchema);

/** Checks a form config; throws naming each field and value that is wrong. */
export function checkForm(doc: unknown, where = 'form'): FormConfig {
  const problems = validator.problems(doc).map((p) => formatProblem(p, where));
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return doc as FormConfig;
}

/** The header printed on a report of `scope` generated at `generatedMs`. */
export function formHeader(config: FormConfig | undefined, scope: string, generatedMs: number, tz: string): FormHeader {
  const c = config ?? {};
  return {
    table_no: c.table_no ?? '',
    authority: c.authority ?? '',
    approved_by: c.approved_by ?? '',
    approval_no: c.approval_no ?? '',
    valid_until: c.valid_until ?? '',
    unit: c.units?.[scope] ?? c.unit ?? '',
    unit_head: c.unit_head ?? '',
    stats_head: c.stats_head ?? '',
    preparer: c.preparer ?? '',
    submitted: c.submitted ?? localTime(generatedMs, tz).slice(0, 10),
  };
}
