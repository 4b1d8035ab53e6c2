/** @module Maps net-snmp failures to the bounded CollectError kinds, with messages that name the target. */
import snmp from 'net-snmp';
import { CollectError } from '../types.ts';

/** Error statuses that mean "you may not read this" rather than "the request was wrong". */
const AUTH_STATUSES = new Set<number>([snmp.ErrorStatus.AuthorizationError, snmp.ErrorStatus.NoAccess]);
const AUTH_CODES = new Set<number>([snmp.ResponseInvalidCode.EAuthFailure, snmp.ResponseInvalidCode.ECouldNotDecrypt]);

/** Converts an error from a net-snmp callback into a CollectError; `target` is host:port. */
export function toCollectError(error: unknown, target: string, what: string): CollectError {
  if (error instanceof CollectError) return error;
  const e = error as Error & { status?: number; code?: number | string };
  const message = `SNMP ${target}: ${what}: ${e.message ?? String(error)}`;
  switch (e.name) {
    case 'RequestTimedOutError':
      return new CollectError('timeout', message, { cause: error });
    case 'ResponseInvalidError':
      return new CollectError(AUTH_CODES.has(Number(e.code)) ? 'auth' : 'protocol', message, { cause: error });
    case 'RequestFailedError':
      // v3 USM reports (unknown user, wrong digest, unsupported level) arrive as failed requests.
      if (AUTH_STATUSES.has(Number(e.status)) || /usmStats|authentication|unknown user|Report PDU/i.test(e.message)) {
        return new CollectError('auth', message, { cause: error });
      }
      return new CollectError('protocol', message, { cause: error });
    default:
      if (/ERR_OSSL|unsupported/i.test(String(e.code ?? '')) || /digital envelope/i.test(e.message ?? '')) {
        return new CollectError('config', `${message} (this Node.js build lacks the cipher; prefer AES)`, {
          cause: error,
        });
      }
      return new CollectError('connection', message, { cause: error });
  }
}
