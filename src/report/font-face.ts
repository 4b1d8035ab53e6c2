/**
 * @module The Simplified Chinese face of Noto Sans CJK for the chart PNGs. Debian ships Noto CJK as font
 * collections (.ttc: JP, KR, SC, TC, HK faces sharing their glyphs) and the skia canvas registers only a
 * collection's first face, the Japanese one, whose forms of characters such as 直 and 骨 differ from the
 * Chinese ones the PDF prints. fontconfig says which file and face hold the SC face; that face is cut out
 * of its collection as a standalone font and registered under its family name.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Where fontconfig finds a family's face of one weight (undefined when it only has a substitute). */
export function findFace(family: string, weight: 'regular' | 'bold'): { file: string; index: number } | undefined {
  const r = spawnSync('fc-match', ['-f', '%{family}\n%{file}\n%{index}', `${family}:weight=${weight}`], {
    encoding: 'utf8',
  });
  if (r.status !== 0) return undefined;
  const [families = '', file = '', index = ''] = r.stdout.split('\n');
  if (!families.split(',').includes(family) || file === '') return undefined;
  return { file, index: Number(index) || 0 };
}

const align4 = (n: number) => (n + 3) & ~3;

/**
 * Face `index` of an OpenType collection as a standalone font: the face's table directory followed by the
 * tables it points to (in a collection their offsets count from the start of the file; here from the start
 * of the new one). A file that is not a collection is returned as it is.
 */
export function collectionFace(data: Buffer, index: number): Buffer {
  if (data.toString('latin1', 0, 4) !== 'ttcf') return data;
  const faces = data.readUInt32BE(8);
  if (!Number.isInteger(index) || index < 0 || index >= faces)
    throw new RangeError(`font collection has ${faces} faces; there is no face ${index}`);
  const dir = data.readUInt32BE(12 + 4 * index);
  const numTables = data.readUInt16BE(dir + 4);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const rec = dir + 12 + 16 * i;
    return { rec, offset: data.readUInt32BE(rec + 8), length: data.readUInt32BE(rec + 12) };
  });
  const headerBytes = 12 + 16 * numTables;
  const out = Buffer.alloc(headerBytes + tables.reduce((n, t) => n + align4(t.length), 0));
  data.copy(out, 0, dir, dir + 12);
  let at = headerBytes;
  tables.forEach((t, i) => {
    const rec = 12 + 16 * i;
    // Tag, checksum and length as they were; only the offset moves.
    data.copy(out, rec, t.rec, t.rec + 16);
    out.writeUInt32BE(at, rec + 8);
    data.copy(out, at, t.offset, t.offset + t.length);
    at += align4(t.length);
  });
  return out;
}

/** The family's faces (regular, bold) as standalone fonts; empty when fontconfig has no such family. */
export function familyFaces(family: string): Buffer[] {
  const out: Buffer[] = [];
  for (const weight of ['regular', 'bold'] as const) {
    const face = findFace(family, weight);
    if (face) out.push(collectionFace(readFileSync(face.file), face.index));
  }
  return out;
}
