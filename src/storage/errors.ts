/**
 * @module Errors both storage adapters throw, so callers can tell "try again later" from "this input is wrong".
 *
 * The hub answers 503 (with Retry-After) on StorageUnavailableError and keeps the agent's batch for
 * a retry; because every write is idempotent, a retried batch is stored exactly once.
 */

/** The backing store did not answer or refused for a transient reason (down, timeout, 5xx, busy, disk). */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An item cannot be stored as given (non-finite number, malformed id, reserved name). Nothing was written. */
export class StorageInputError extends Error {
  override readonly name = 'StorageInputError';
}

/** True for StorageUnavailableError, also across module copies (name check). */
export function isStorageUnavailable(err: unknown): err is StorageUnavailableError {
  return err instanceof StorageUnavailableError || (err instanceof Error && err.name === 'StorageUnavailableError');
}
