/** @module expandedSize: real workbooks measured, bombs stopped at the budget whatever sizes they declare. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { expandedSize, ZipTooLargeError } from './zip-size.ts';
import { xlsxBomb } from '../hub/hostile/bombs.ts';

const MiB = 1024 * 1024;

test('a workbook exceljs writes is measured: larger than its zip, far below the budget', async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('d');
  ws.addRow(['center', 'period', 'diesel_l']);
  for (let i = 0; i < 500; i++) ws.addRow([`gz-${i}`, '2026-09', i]);
  const zip = Buffer.from(await wb.xlsx.writeBuffer());
  const size = expandedSize(zip, 32 * MiB);
  assert.ok(size > zip.length && size < MiB, `${size} bytes from ${zip.length}`);
});

test('a 400 MiB bomb stops at a 32 MiB budget, also when its headers claim it is small', () => {
  const bomb = Buffer.from(xlsxBomb(400 * MiB));
  assert.ok(bomb.length < MiB, `the bomb is ${bomb.length} bytes`);
  assert.throws(() => expandedSize(bomb, 32 * MiB), ZipTooLargeError);
  // Declared sizes are the uploader's word: set every uncompressed size in the central directory to 10.
  const eocd = bomb.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = bomb.readUInt32LE(eocd + 16);
  for (let i = 0; i < bomb.readUInt16LE(eocd + 10); i++) {
    bomb.writeUInt32LE(10, at + 24);
    at += 46 + bomb.readUInt16LE(at + 28) + bomb.readUInt16LE(at + 30) + bomb.readUInt16LE(at + 32);
  }
  assert.throws(() => expandedSize(bomb, 32 * MiB), ZipTooLargeError);
  assert.equal(expandedSize(Buffer.from(xlsxBomb(2 * MiB)), 32 * MiB) > 2 * MiB, true);
});

test('what is not a plain zip is an Error, not a size', () => {
  assert.throws(() => expandedSize(Buffer.from('PK\u0003\u0004garbage'), MiB), /no end of central directory/);
  // The middle cut out: the central directory points at entries that are not where it says.
  const bomb = Buffer.from(xlsxBomb(2 * MiB));
  const cut = Buffer.concat([bomb.subarray(0, 200), bomb.subarray(bomb.length - 400)]);
  assert.throws(
    () => expandedSize(cut, 32 * MiB),
    (err: Error) => !(err instanceof ZipTooLargeError),
  );
});
