/**
 * @module How large a zip (an .xlsx) is once decompressed, found by inflating every entry under a byte
 * budget: the sizes a zip declares are the uploader's word, so they are not trusted.
 */
import { inflateRawSync } from 'node:zlib';

/** The archive expands beyond the budget (found without inflating more than the budget). */
export class ZipTooLargeError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`expands to more than ${limit} bytes when decompressed`);
    this.name = 'ZipTooLargeError';
    this.limit = limit;
  }
}

/** Most entries an archive may list (an .xlsx has a few dozen). */
const MAX_ENTRIES = 10_000;

/**
 * Total decompressed bytes of the archive's entries. Throws ZipTooLargeError past `limit` (without
 * inflating more than `limit` bytes in all), and an Error for anything that is not a plain zip
 * (no end record, ZIP64, a compression other than stored or deflate, a broken entry).
 */
export function expandedSize(zip: Buffer, limit: number): number {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > zip.length) throw new Error('not a zip archive (no end of central directory)');
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  if (entries === 0xffff || at === 0xffffffff) throw new Error('ZIP64 archives are not read');
  if (entries > MAX_ENTRIES) throw new Error(`the archive lists ${entries} entries (at most ${MAX_ENTRIES})`);
  let total = 0;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw new Error('broken central directory');
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const local = zip.readUInt32LE(at + 42);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) throw new Error('broken local header');
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    if (start + compressed > zip.length) throw new Error('an entry runs past the end of the archive');
    const data = zip.subarray(start, start + compressed);
    const budget = limit - total;
    if (method === 0) total += data.length;
    else if (method === 8) {
      try {
        total += inflateRawSync(data, { maxOutputLength: Math.max(1, budget + 1) }).length;
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new ZipTooLargeError(limit);
        throw new Error(`an entry does not inflate (${(err as Error).message})`);
      }
    } else throw new Error(`compression method ${method} is not read (only stored and deflate)`);
    if (total > limit) throw new ZipTooLargeError(limit);
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return total;
}
