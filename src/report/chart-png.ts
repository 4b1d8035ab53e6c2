/**
 * @module Charts as PNG for the xlsx: the ECharts options drawn on a skia canvas (@napi-rs/canvas) and
 * encoded off the main thread. Skia reads the system's fonts once per process, but of a font collection only
 * its first face (Noto CJK's Japanese one): the Simplified Chinese face the PDF prints with is registered
 * from its collection (font-face.ts). Without a CJK font the Chinese labels would be boxes, so that is an
 * error naming the package to install.
 */
import * as echarts from 'echarts';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { CHART_FONT, type ChartDef } from './charts.ts';
import { familyFaces } from './font-face.ts';

/** Pixels per CSS pixel: about 130 dpi on an A4 page, sharp enough in print and light in the workbook. */
const SCALE = 1.25;

/** Recently drawn charts by their options: the same report asked again (or in another format) draws nothing. */
const drawn = new Map<string, Promise<Buffer>>();
const KEEP = 256;

let ready = false;

/** Registers the chart font's faces unless skia has them already; true when it has them after. */
export function registerChartFont(): boolean {
  const has = () => GlobalFonts.families.some((f) => f.family === CHART_FONT);
  if (!has()) for (const face of familyFaces(CHART_FONT)) GlobalFonts.register(face, CHART_FONT);
  return has();
}

function setUp(): void {
  if (ready) return;
  registerChartFont();
  if (!GlobalFonts.families.some((f) => /CJK|Hei|Song|Kai|WenQuanYi/i.test(f.family)))
    throw new Error(
      'report charts need a CJK font so Chinese labels render: install one (Debian: apt-get install fonts-noto-cjk)',
    );
  // ECharts measures text on a canvas of its own making: give it skia's.
  echarts.setPlatformAPI({ createCanvas: () => createCanvas(32, 32) as unknown as HTMLCanvasElement });
  ready = true;
}

/** Draws one chart and encodes it as PNG (or returns the same chart drawn a moment ago). */
export function chartPng(c: ChartDef): Promise<Buffer> {
  setUp();
  const key = JSON.stringify([c.width, c.height, c.option]);
  let hit = drawn.get(key);
  if (hit) {
    drawn.delete(key);
    drawn.set(key, hit);
    return hit;
  }
  hit = draw(c);
  drawn.set(key, hit);
  hit.catch(() => drawn.delete(key));
  if (drawn.size > KEEP) drawn.delete(drawn.keys().next().value!);
  return hit;
}

async function draw(c: ChartDef): Promise<Buffer> {
  const canvas = createCanvas(Math.round(c.width * SCALE), Math.round(c.height * SCALE));
  const chart = echarts.init(canvas as unknown as HTMLCanvasElement, null, {
    width: c.width,
    height: c.height,
    devicePixelRatio: SCALE,
  });
  try {
    chart.setOption(c.option);
    return await canvas.encode('png');
  } finally {
    chart.dispose();
  }
}
