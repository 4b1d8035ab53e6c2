/** @module The chart PNGs draw Chinese with the Simplified Chinese face of Noto Sans CJK, cut out of its collection. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { collectionFace, findFace } from './font-face.ts';
import { registerChartFont } from './chart-png.ts';
import { CHART_FONT } from './charts.ts';

/** The pixels of 直骨 (whose Chinese and Japanese forms differ) drawn in `font`. */
function drawn(font: string): Buffer {
  const canvas = createCanvas(160, 80);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, 160, 80);
  ctx.fillStyle = '#000';
  ctx.font = `64px ${font}`;
  ctx.fillText('直骨', 4, 66);
  return Buffer.from(ctx.getImageData(0, 0, 160, 80).data);
}

function cut(family: string): Buffer {
  const face = findFace(family, 'regular');
  assert.ok(face, `fontconfig finds ${family} (Debian fonts-noto-cjk)`);
  assert.match(face.file, /\.ttc$/);
  return collectionFace(readFileSync(face.file), face.index);
}

// First, before any other CJK face is registered: a missing chart font would fall back to the JP face.
test('chart text is drawn in the Chinese forms, not the Japanese ones', () => {
  assert.equal(GlobalFonts.has(CHART_FONT), false, 'skia alone registers only a collection’s first (JP) face');
  assert.equal(registerChartFont(), true);
  const sc = drawn(`"${CHART_FONT}"`);
  assert.notDeepEqual(sc, drawn('"Noto Sans CJK JP"'));
  assert.deepEqual(sc, drawn(`"${CHART_FONT}"`), 'drawn twice alike');
  assert.notDeepEqual(sc, drawn(`bold "${CHART_FONT}"`), 'the bold face is registered too');
});

test('a face cut out of the collection draws exactly as the face skia registered itself', () => {
  // Face 0 (JP) is the one skia registers from the system folder: its cut-out twin draws the same pixels.
  const jp = cut('Noto Sans CJK JP');
  assert.equal(jp.readUInt32BE(0), 0x4f54544f, 'an OpenType (CFF) font, not a collection');
  assert.ok(GlobalFonts.register(jp, 'dims-cut-jp'));
  assert.deepEqual(drawn('"dims-cut-jp"'), drawn('"Noto Sans CJK JP"'));
  // And the SC face cut out the same way is the chart font.
  assert.ok(GlobalFonts.register(cut('Noto Sans CJK SC'), 'dims-cut-sc'));
  assert.deepEqual(drawn('"dims-cut-sc"'), drawn(`"${CHART_FONT}"`));
});

test('a face the collection does not have is named; a single font is returned as it is', () => {
  const face = findFace('Noto Sans CJK SC', 'regular')!;
  assert.throws(() => collectionFace(readFileSync(face.file), 99), /faces; there is no face 99/);
  const plain = Buffer.from('OTTO-not-a-collection');
  assert.equal(collectionFace(plain, 0), plain);
  assert.equal(findFace('No Such Family Anywhere', 'regular'), undefined);
});
