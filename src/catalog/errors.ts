/** @module The error a broken catalog raises: every problem names the file, the field and the value. */

/** One problem found in the catalog's files. */
export interface CatalogProblem {
  file: string;
  path: string;
  message: string;
  value?: unknown;
}

/** Raised by the loader when any file fails its schema or a cross-check; lists every problem found. */
export class CatalogError extends Error {
  readonly problems: CatalogProblem[];
  constructor(problems: CatalogProblem[]) {
    super(`catalog has ${problems.length} problem(s):\n${problems.map(formatCatalogProblem).join('\n')}`);
    this.name = 'CatalogError';
    this.problems = problems;
  }
}

/** `file: path message (got value)`. */
export function formatCatalogProblem(p: CatalogProblem): string {
  const got = p.value === undefined ? '' : ` (got ${JSON.stringify(p.value)})`;
  return `${p.file}: ${p.path} ${p.message}${got}`;
}
