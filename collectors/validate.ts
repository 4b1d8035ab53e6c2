/**
 * @module Config and profile validation shared by every collector: ajv through the project's JSON Schema
 * helper, with messages that name the field (dotted path) and the offending value.
 */
import { createAjv, explain, type SchemaProblem } from '../src/shared/json-schema.ts';

/** A compiled validator: returns the problems, empty when the data is valid. */
export type Validator = (data: unknown) => string[];

function field(p: SchemaProblem): string {
  return p.path === '/' || p.path === '' ? '(root)' : p.path.slice(1).replaceAll('/', '.');
}

function describe(p: SchemaProblem): string {
  if (p.message === 'is required' || p.message === 'is not an allowed field') return `${field(p)} ${p.message}`;
  return `${field(p)} ${p.message} (got ${JSON.stringify(p.value)})`;
}

/** Compiles a schema once (with `refs` resolvable by their $id); each call lists every problem as `field problem (got value)`. */
export function compileSchema(schema: object, refs: object[] = []): Validator {
  const ajv = createAjv();
  for (const r of refs) ajv.addSchema(r);
  const fn = ajv.compile(schema);
  return (data) => (fn(data) ? [] : explain(fn.errors ?? [], data).map(describe));
}

/** Like compileSchema, but returns the typed data or throws an Error `what: problem; problem`. */
export function compileValidator<T>(schema: object, what: string, refs: object[] = []): (data: unknown) => T {
  const check = compileSchema(schema, refs);
  return (data: unknown): T => {
    const problems = check(data);
    if (problems.length === 0) return data as T;
    throw new Error(`${what}: ${problems.join('; ')}`);
  };
}
