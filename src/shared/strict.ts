/**
 * @module Times and numbers as dims reads them from requests and files: RFC 3339 date-times only (the JSON Schema
 * `date-time` format), never whatever Date.parse guesses from "Tue 1 Jan 2030" or "2001"; numbers in decimal only.
 */
import { compileSchema } from './json-schema.ts';

const dateTime = compileSchema<string>({ type: 'string', format: 'date-time' });

/** Epoch ms of an RFC 3339 date-time (2026-10-05T10:00:00+08:00), or null when the text is not one. */
export function rfc3339Ms(text: string): number | null {
  if (!dateTime(text)) return null;
  const ms = Date.parse(text);
  // The format admits a leap second (23:59:60), which Date cannot hold.
  return Number.isFinite(ms) ? ms : null;
}

/** A decimal number as people write one (12, -3.5, 1.2e3), not hex, binary, octal, Infinity or 1_000. */
export const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
