/**
 * @module Body parser of record batches (`{"records":[…]}`): gives what express.json gives, without
 * building one string of the whole body for a compact batch.
 *
 * A 1,000-record batch is ~230 KB; V8 puts strings over ~128 KB in large-object space, and making
 * one per request (decode, then JSON.parse's flattening) cost about twice the parse itself. A batch
 * as JSON.stringify writes it is therefore parsed in ~48 KB runs of whole records. Anything else
 * (whitespace, other key order, another charset, invalid JSON) takes the ordinary whole-body path,
 * so results and errors stay those of one JSON.parse.
 */
import express, { type RequestHandler } from 'express';

const JSON_TYPES = ['application/json', 'application/*+json'];
const HEAD = Buffer.from('{"records":[');
const TAIL = Buffer.from(']}');
/** Between two records of a compact batch. */
const BETWEEN = Buffer.from('},{');
/** Bytes per run: whole records up to the first boundary past this, so every string stays small. */
const RUN_BYTES = 48_000;

/**
 * The records of a compact batch, parsed run by run, or undefined when the body is not one.
 *
 * Cutting at `},{` is only a guess at record boundaries (the text may occur inside a string or a
 * nested value), but a wrong cut leaves a run that is not a valid list of JSON values, so its parse
 * fails and the caller parses the whole body instead. When every run parses, the runs joined by
 * commas are exactly the array's elements, so the result equals JSON.parse of the whole body.
 */
function parseCompactBatch(buf: Buffer): { records: unknown[] } | undefined {
  const end = buf.length - TAIL.length;
  if (end < HEAD.length || !buf.subarray(0, HEAD.length).equals(HEAD) || !buf.subarray(end).equals(TAIL))
    return undefined;
  const records: unknown[] = [];
  for (let start = HEAD.length; start < end;) {
    const cut = buf.indexOf(BETWEEN, start + RUN_BYTES);
    const stop = cut === -1 || cut >= end ? end : cut + 1;
    let run: unknown[];
    try {
      run = JSON.parse(`[${buf.toString('utf8', start, stop)}]`) as unknown[];
    } catch {
      return undefined;
    }
    for (const r of run) records.push(r);
    start = stop + 1;
  }
  return { records };
}

/** JSON.parse of the whole body, as express.json's strict mode: an object or array; {} when empty. */
function parseWhole(buf: Buffer): unknown {
  // iconv, which express.json decodes with, drops a byte order mark.
  const text = buf.toString('utf8').replace(/^\uFEFF/, '');
  if (text.length === 0) return {};
  const first = /^[ \t\n\r]*(.?)/.exec(text)![1];
  if (first !== '{' && first !== '[')
    throw new SyntaxError(`the body must be a JSON object or array, not ${JSON.stringify(text.slice(0, 20))}`);
  return JSON.parse(text);
}

/** The value of a UTF-8 JSON body, as express.json gives it (throws its SyntaxError for a malformed one). */
export function parseJsonBody(buf: Buffer): unknown {
  return parseCompactBatch(buf) ?? parseWhole(buf);
}

/** Parses a JSON body into req.body like express.json (limit, types, errors), faster for compact batches. */
export function recordsBody(limit: number): RequestHandler {
  const json = express.json({ limit, strict: true, type: JSON_TYPES });
  const raw = express.raw({ limit, type: JSON_TYPES });
  return (req, res, next) => {
    // Other charsets are rare: express.json decodes (or refuses) them as before.
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return json(req, res, next);
    raw(req, res, (err?: unknown) => {
      if (err || !Buffer.isBuffer(req.body)) return next(err);
      try {
        req.body = parseJsonBody(req.body);
      } catch (e) {
        // The error express.json raises for a malformed body (mapped to DIMS_ERR_BAD_JSON).
        return next(Object.assign(e as Error, { status: 400, type: 'entity.parse.failed' }));
      }
      next();
    });
  };
}
