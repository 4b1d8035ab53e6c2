/** @module JSON Schema validation (ajv) with messages that name the offending field and its value. */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

/** A compiled validator: returns the list of problems, empty when the data is valid. */
export type Validator = (data: unknown) => string[];

/** Compiles a JSON Schema once; each call reports every problem as `<field> <problem> (got <value>)`. */
export function compileSchema(schema: object): Validator {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const fn: ValidateFunction = ajv.compile(schema);
  return (data) => (fn(data) ? [] : (fn.errors ?? []).map((e) => describe(e, data)));
}

function describe(e: ErrorObject, data: unknown): string {
  let field = e.instancePath === '' ? '(root)' : e.instancePath.slice(1).replaceAll('/', '.');
  let problem = e.message ?? 'is invalid';
  if (e.keyword === 'additionalProperties') {
    const extra = String((e.params as { additionalProperty: string }).additionalProperty);
    field = field === '(root)' ? extra : `${field}.${extra}`;
    return `${field} is not a known option`;
  }
  if (e.keyword === 'required') {
    const missing = String((e.params as { missingProperty: string }).missingProperty);
    return `${field === '(root)' ? missing : `${field}.${missing}`} is required`;
  }
  if (e.keyword === 'enum') problem += `: ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return `${field} ${problem} (got ${JSON.stringify(valueAt(data, e.instancePath))})`;
}

function valueAt(data: unknown, pointer: string): unknown {
  let cur = data;
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
  }
  return cur;
}
