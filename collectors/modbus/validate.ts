/** @module JSON Schema validation (ajv) with errors that name the offending field and value. */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

/** Compiles `schema` once (with `refs` available to $ref by $id); the returned function throws an Error naming field and value. */
export function compileValidator<T>(schema: object, what: string, refs: object[] = []): (data: unknown) => T {
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const r of refs) ajv.addSchema(r);
  const validate: ValidateFunction = ajv.compile(schema);
  return (data: unknown): T => {
    if (validate(data)) return data as T;
    throw new Error(`${what}: ${describeErrors(validate.errors ?? [], data)}`);
  };
}

/** Reads the value at a JSON pointer such as /v3/auth_protocol. */
function valueAt(data: unknown, pointer: string): unknown {
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** One line per error, e.g. `/version = "1": must be equal to one of the allowed values (2c, 3)`. */
export function describeErrors(errors: ErrorObject[], data: unknown): string {
  // if/then wrappers repeat the real error; keep only the informative ones.
  const useful = errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'allOf');
  return useful
    .map((e) => {
      const field =
        e.keyword === 'required'
          ? `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`
          : e.keyword === 'additionalProperties'
            ? `${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}`
            : e.instancePath || '/';
      const value = e.keyword === 'required' ? 'missing' : JSON.stringify(valueAt(data, field === '/' ? '' : field));
      const allowed = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
      return `${field} = ${value}: ${e.message ?? e.keyword}${allowed}`;
    })
    .join('; ');
}
