/**
 * @module POST /api/v1/declarations: periodic administrative filings as JSON, CSV (UTF-8, BOM or not) or an
 * .xlsx upload (raw body or multipart/form-data), validated like center records and stored as records
 * with source 'declaration'.
 */
import express, { type Express, type Request } from 'express';
import busboy from 'busboy';
import type { HubContext } from '../context.ts';
import type { RouteKit } from './kit.ts';
import { allow, principal } from '../auth/middleware.ts';
import { canDeclare } from '../auth/scopes.ts';
import { HubError } from '../errors.ts';
import { echoText } from '../../shared/echo.ts';
import { ingest, ingestAnswer } from '../ingest.ts';
import { expandPeriod, parseCsv, readXlsx, tableToRecords } from '../declarations-table.ts';
import type { RecordProblem } from '../../records/parse.ts';
import { expandedSize, ZipTooLargeError } from '../../shared/zip-size.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];

export function register(app: Express, ctx: HubContext, kit: RouteKit): void {
  const limit = ctx.config.limits.upload_bytes;
  const raw = express.raw({ type: [...CSV_TYPES, XLSX, 'application/octet-stream'], limit });
  app.post('/api/v1/declarations', ...kit.auth, allow(canDeclare), async (req, res, next) => {
    const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    let input: { records: unknown[]; labels?: string[]; pre?: Map<number, RecordProblem[]> };
    if (type === 'application/json') {
      await run(kit.json, req, res);
      input = fromJson(ctx, req.body);
    } else if (type === 'multipart/form-data') {
      const file = await readMultipart(req, limit);
      input = await fromFile(ctx, file.data, file.filename, file.mimeType);
    } else if (CSV_TYPES.includes(type) || type === XLSX || type === 'application/octet-stream') {
      await run(raw, req, res);
      input = await fromFile(ctx, req.body as Buffer, '', type);
    } else {
      return next(
        new HubError(
          'DIMS_ERR_UNSUPPORTED_MEDIA',
          `declarations are accepted as application/json, text/csv, ${XLSX} or multipart/form-data (got ${echoText(type || 'none')})`,
        ),
      );
    }
    if (input.records.length === 0)
      throw new HubError('DIMS_ERR_INVALID_DECLARATIONS', 'the upload holds no declaration rows', {
        accepted: [],
        rejected: [],
      });
    const max = ctx.config.limits.records_per_request;
    if (input.records.length > max)
      throw new HubError('DIMS_ERR_TOO_LARGE', `at most ${max} declarations per request (got ${input.records.length})`);
    const result = await ingest(ctx.ingest, principal(res).scope, input.records, {
      declaration: true,
      ...(input.labels ? { labels: input.labels } : {}),
      ...(input.pre ? { preProblems: input.pre } : {}),
    });
    res.json(ingestAnswer(result, false));
  });
}

/** Runs a body-parser middleware inline (the content type decides which one applies). */
function run(mw: express.RequestHandler, req: Request, res: express.Response): Promise<void> {
  return new Promise((resolve, reject) => {
    void mw(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
  });
}

function fromJson(ctx: HubContext, body: unknown): { records: unknown[]; pre: Map<number, RecordProblem[]> } {
  const list =
    body && typeof body === 'object' && !Array.isArray(body)
      ? ((body as { declarations?: unknown }).declarations ?? (body as { records?: unknown }).records)
      : undefined;
  if (!Array.isArray(list))
    throw new HubError('DIMS_ERR_BAD_REQUEST', 'the body must be a JSON object { "declarations": [ ... ] }', {
      path: '/declarations',
    });
  const pre = new Map<number, RecordProblem[]>();
  const records = list.map((r, i) => {
    const { record, problem } = expandPeriod(r, ctx.config.timezone);
    if (problem) pre.set(i, [problem]);
    return record;
  });
  return { records, pre };
}

async function fromFile(
  ctx: HubContext,
  data: Buffer,
  filename: string,
  mimeType: string,
): Promise<{ records: unknown[]; labels: string[]; pre: Map<number, RecordProblem[]> }> {
  const isXlsx =
    mimeType === XLSX || /\.xlsx$/i.test(filename) || (data.length > 4 && data[0] === 0x50 && data[1] === 0x4b);
  let rows: unknown[][];
  if (isXlsx) {
    // An .xlsx is a zip: a few hundred kilobytes can inflate to gigabytes, so its size once
    // decompressed is measured (under the limit) before the workbook is parsed at all.
    const limit = ctx.config.limits.upload_expanded_bytes;
    try {
      expandedSize(data, limit);
    } catch (err) {
      if (err instanceof ZipTooLargeError)
        throw new HubError(
          'DIMS_ERR_TOO_LARGE',
          `the workbook expands to more than ${limit} bytes when decompressed (limits.upload_expanded_bytes); nothing was written`,
        );
      throw new HubError(
        'DIMS_ERR_BAD_REQUEST',
        `the upload is not a readable .xlsx workbook (${(err as Error).message})`,
      );
    }
    try {
      rows = await readXlsx(data);
    } catch (err) {
      throw new HubError(
        'DIMS_ERR_BAD_REQUEST',
        `the upload is not a readable .xlsx workbook (${(err as Error).message})`,
      );
    }
  } else {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      throw new HubError('DIMS_ERR_BAD_REQUEST', 'the CSV is not UTF-8 text (save it as "CSV UTF-8")');
    }
    rows = parseCsv(text);
  }
  const table = tableToRecords(rows, ctx.catalog, ctx.config.timezone);
  if (table.problems.length > 0) {
    throw new HubError(
      'DIMS_ERR_INVALID_DECLARATIONS',
      `the ${isXlsx ? 'sheet' : 'CSV'} header is not usable: ` +
        table.problems.map((p) => `${p.path} ${p.message} (got ${echoText(p.value)})`).join('; '),
      { accepted: [], rejected: [{ index: -1, errors: table.problems }] },
    );
  }
  return { records: table.records, labels: table.labels, pre: table.rowProblems };
}

/** Reads the first file part of a multipart upload, bounded by `limit` bytes. */
function readMultipart(req: Request, limit: number): Promise<{ data: Buffer; filename: string; mimeType: string }> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: limit, files: 1, fields: 20 } });
    } catch (err) {
      reject(new HubError('DIMS_ERR_BAD_REQUEST', `malformed multipart upload: ${(err as Error).message}`));
      return;
    }
    let found: { data: Buffer; filename: string; mimeType: string } | undefined;
    let failed: HubError | undefined;
    bb.on('file', (_name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        failed = new HubError('DIMS_ERR_TOO_LARGE', `the uploaded file exceeds ${limit} bytes`);
      });
      stream.on('close', () => {
        if (!failed) found = { data: Buffer.concat(chunks), filename: info.filename ?? '', mimeType: info.mimeType };
      });
    });
    bb.on('error', (err) =>
      reject(new HubError('DIMS_ERR_BAD_REQUEST', `malformed multipart upload: ${(err as Error).message}`)),
    );
    bb.on('close', () => {
      if (failed) reject(failed);
      else if (!found) reject(new HubError('DIMS_ERR_BAD_REQUEST', 'the multipart upload holds no file part'));
      else resolve(found);
    });
    req.pipe(bb);
  });
}
