/** @module Sending an answer the newest values keep (latest-values.ts): its bytes as JSON with its ETag, 304 when the client has them. */
import type { Response } from 'express';
import type { Answer } from '../latest-values.ts';

/**
 * Sends a kept answer byte for byte as `res.json` would send the object it was built from. The ETag is set
 * first, so express answers 304 (no body) to an `If-None-Match` that names it, instead of hashing the body.
 */
export function sendAnswer(res: Response, answer: Answer): void {
  res.set('ETag', answer.etag);
  res.type('json');
  res.send(answer.body);
}
