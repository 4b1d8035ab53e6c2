/** @module The hub's error catalog: every failure a client can see has a stable code, an HTTP status and a message. */

/** Stable error codes; clients (agents, dashboards, scripts) branch on these, never on message text. */
export const ERRORS = {
  DIMS_ERR_UNAUTHENTICATED: { status: 401, message: 'a valid bearer token is required' },
  DIMS_ERR_FORBIDDEN: { status: 403, message: 'the token scope does not allow this' },
  DIMS_ERR_PROVINCE_FORBIDDEN: { status: 403, message: 'the token may not read or write this province' },
  DIMS_ERR_CENTER_FORBIDDEN: { status: 403, message: 'the token may not write records of this center' },
  DIMS_ERR_CLIENT_CERT_REQUIRED: {
    status: 403,
    message: "this token needs a client certificate signed by the hub's client CA",
  },
  DIMS_ERR_CLIENT_CERT_MISMATCH: { status: 403, message: 'the client certificate does not name the token holder' },
  DIMS_ERR_BAD_JSON: { status: 400, message: 'the request body is not valid JSON' },
  DIMS_ERR_BAD_REQUEST: { status: 400, message: 'the request is malformed' },
  DIMS_ERR_BAD_PARAMETER: { status: 400, message: 'a query parameter is invalid' },
  DIMS_ERR_INVALID_RECORDS: { status: 400, message: 'no record in the request is valid; nothing was written' },
  DIMS_ERR_INVALID_DECLARATIONS: { status: 400, message: 'the declarations are invalid; nothing was written' },
  DIMS_ERR_INVALID_ALERT: { status: 400, message: 'the alert webhook payload is invalid' },
  DIMS_ERR_UNSUPPORTED_MEDIA: { status: 415, message: 'the content type is not supported here' },
  DIMS_ERR_TOO_LARGE: { status: 413, message: 'the request body exceeds the size limit' },
  DIMS_ERR_NOT_FOUND: { status: 404, message: 'no such resource' },
  DIMS_ERR_RATE_LIMITED: { status: 429, message: 'too many requests for this token; retry later' },
  DIMS_ERR_STORAGE_UNAVAILABLE: { status: 503, message: 'storage is unavailable; nothing was written, retry later' },
  DIMS_ERR_ENGINE_BUSY: { status: 503, message: 'the engine could not run the period now; retry later' },
  DIMS_ERR_REPORT_ENGINE_MISSING: { status: 503, message: 'PDF reports need Chromium and a CJK font on the hub' },
  DIMS_ERR_REPORT_BUSY: { status: 503, message: 'too many PDF reports are printing; retry after Retry-After seconds' },
  DIMS_ERR_LINK_INVALID: { status: 403, message: 'the report link is not valid or has expired' },
  DIMS_ERR_INTERNAL: { status: 500, message: 'internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** An error that becomes `{ error: { code, message, details } }` with the catalog's status. */
export class HubError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERRORS[code].message);
    this.name = 'HubError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
  }
}

/** The JSON body of an error response. */
export function errorBody(err: HubError): { error: { code: ErrorCode; message: string; details?: unknown } } {
  return {
    error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) },
  };
}
