/** @module Modbus failures as CollectErrors: exception codes by name, transport errors by kind, always naming the target. */
import { CollectError } from '../types.ts';

/** Exception codes of the Modbus Application Protocol v1.1b3 §7. */
export const EXCEPTION_NAMES: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

/** Error shapes modbus-serial produces. */
interface LibraryError {
  message?: string;
  modbusCode?: number;
  errno?: string;
  code?: string;
  name?: string;
}

/** The exception code carried by a modbus-serial error, if it is an exception response. */
export function exceptionCode(error: unknown): number | undefined {
  const code = (error as LibraryError | null)?.modbusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Converts a library error for a read of `what` (e.g. "input registers 0x0034+2") into a CollectError. */
export function toCollectError(error: unknown, target: string, what: string): CollectError {
  if (error instanceof CollectError) return error;
  const e = (error ?? {}) as LibraryError;
  const code = exceptionCode(error);
  if (code !== undefined) {
    return new CollectError(
      'protocol',
      `Modbus ${target}: ${what}: exception ${code} (${EXCEPTION_NAMES[code] ?? 'unknown exception'})`,
      { cause: error },
    );
  }
  const detail = e.message ?? String(error);
  if (e.errno === 'ETIMEDOUT' || /timed out/i.test(detail)) {
    return new CollectError('timeout', `Modbus ${target}: ${what}: no answer (${detail})`, { cause: error });
  }
  return new CollectError('connection', `Modbus ${target}: ${what}: ${detail}`, { cause: error });
}
