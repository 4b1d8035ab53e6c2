/**
 * @module Test inputs that expand: an .xlsx whose worksheet inflates to hundreds of megabytes from a few
 * hundred kilobytes. Built without holding the expanded bytes: one deflate block of a 1 MiB chunk of the
 * sheet is repeated (each copy refers only to itself), and the CRC is computed chunk by chunk.
 */
import { crc32, deflateRawSync, constants } from 'node:zlib';

const CHUNK = 1024 * 1024;

interface Entry {
  name: string;
  data: Buffer;
  crc: number;
  size: number;
  method: 0 | 8;
}

function stored(name: string, text: string): Entry {
  const data = Buffer.from(text);
  return { name, data, crc: crc32(data), size: data.length, method: 0 };
}

/** A deflate stream of `copies` times `chunk`, ending with an empty final block. */
function repeatedDeflate(head: Buffer, chunk: Buffer, copies: number, tail: Buffer): Buffer {
  const flush = { finishFlush: constants.Z_FULL_FLUSH };
  const parts = [deflateRawSync(head, flush)];
  const block = deflateRawSync(chunk, flush);
  for (let i = 0; i < copies; i++) parts.push(block);
  parts.push(deflateRawSync(tail));
  return Buffer.concat(parts);
}

function zip(entries: Entry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt32LE(e.crc, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += local.length + name.length + e.data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const cache = new Map<number, Buffer>();

/** A well-formed .xlsx whose first worksheet expands to about `bytes` bytes (rows of one repeated cell). */
export function xlsxBomb(bytes: number): Buffer {
  const cached = cache.get(bytes);
  if (cached) return cached;
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const head = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${ns}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>center</t></is></c></row>`,
  );
  const tail = Buffer.from('</sheetData></worksheet>');
  // A row now and then in a sea of spaces (XML whitespace): deflate's best ratio, about 1000 to 1.
  const cell = '<row><c t="inlineStr"><is><t>gz-01</t></is></c></row>';
  const chunk = Buffer.from((cell + ' '.repeat(65_536 - cell.length)).repeat(CHUNK / 65_536));
  const copies = Math.max(1, Math.ceil(bytes / chunk.length));
  let crc = crc32(head);
  for (let i = 0; i < copies; i++) crc = crc32(chunk, crc);
  crc = crc32(tail, crc);
  const size = head.length + chunk.length * copies + tail.length;
  const sheet: Entry = {
    name: 'xl/worksheets/sheet1.xml',
    data: repeatedDeflate(head, chunk, copies, tail),
    crc,
    size: size >>> 0,
    method: 8,
  };
  const out = zip([
    stored(
      '[Content_Types].xml',
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    ),
    stored(
      '_rels/.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    stored(
      'xl/workbook.xml',
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${ns}" xmlns:r="${rel}"><sheets><sheet name="d" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    stored(
      'xl/_rels/workbook.xml.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    ),
    sheet,
  ]);
  cache.set(bytes, out);
  return out;
}
