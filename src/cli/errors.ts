/** @module The error a command throws to print a clean message and exit non-zero (no stack trace). */

/** A user-facing failure: bad arguments, bad input files, a check that found problems. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
