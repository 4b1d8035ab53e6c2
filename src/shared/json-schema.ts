/**
 * @module JSON Schema validation for every data file, config and payload dims reads (ajv, draft-07 + formats).
 *
 * One place builds the ajv instance so error wording is the same everywhere: each problem names
 * where it is (file, JSON path) and the offending value.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under Node's ESM loader its function sits on `default`.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;

/** One validation problem, ready to print. */
export interface SchemaProblem {
  /** JSON pointer into the document, e.g. `/centers/3/province`. */
  path: string;
  message: string;
  value: unknown;
}

/** A compiled validator that returns problems instead of throwing. */
export interface Validator<T> {
  (data: unknown): data is T;
  problems(data: unknown): SchemaProblem[];
}

/** Creates an ajv instance configured the way dims uses it (all errors, strict types off for if/then). */
export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

const shared = createAjv();

/** Compiles `schema` once; the result both type-guards and explains. */
export function compileSchema<T>(schema: object, ajv: Ajv = shared): Validator<T> {
  const id = (schema as { $id?: string }).$id;
  const existing = id ? ajv.getSchema(id) : undefined;
  const fn = (existing ?? ajv.compile(schema)) as ValidateFunction<T>;
  const validator = ((data: unknown): data is T => fn(data) as boolean) as Validator<T>;
  validator.problems = (data: unknown) => (fn(data) ? [] : explain(fn.errors ?? [], data));
  return validator;
}

function valueAt(data: unknown, pointer: string): unknown {
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/**
 * Turns ajv errors into problems, dropping the noise of oneOf/if-then branches when a more
 * specific error exists at the same or a deeper path.
 */
export function explain(errors: ErrorObject[], data: unknown): SchemaProblem[] {
  const specific = errors.filter((e) => !['oneOf', 'anyOf', 'if', 'allOf'].includes(e.keyword));
  const chosen = specific.length > 0 ? specific : errors;
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const e of chosen) {
    let path = e.instancePath || '/';
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      path = `${e.instancePath}/${extra}`;
      message = 'is not an allowed field';
    } else if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      path = `${e.instancePath}/${missing}`;
      message = 'is required';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const key = `${path}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message, value: valueAt(data, path === '/' ? '' : path) });
  }
  return out;
}

/** Formats a problem as `file: path message (got value)`. */
export function formatProblem(p: SchemaProblem, file?: string): string {
  const where = file ? `${file}: ${p.path}` : p.path;
  const got = p.value === undefined ? '' : ` (got ${truncate(JSON.stringify(p.value))})`;
  return `${where} ${p.message}${got}`;
}

function truncate(s: string | undefined): string {
  if (s === undefined) return 'undefined';
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
