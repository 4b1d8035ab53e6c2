/**
 * @module PDF reports: the HTML rendering (html.ts) printed by Chromium (driven with playwright-core) on A4,
 * with the title and period in the page header and "第 N 页 共 M 页" in the footer (CSS margin boxes).
 *
 * One browser per process, started on first use and kept: a print then costs a page, not a browser
 * start. When Chromium or a CJK font is missing the answer is `PdfEngineMissing`, naming what to install;
 * never a broken file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import type { ReportModel } from './types.ts';
import { renderHtml } from './html.ts';

/** The engine is not installed: the message says what to install. */
export class PdfEngineMissing extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfEngineMissing';
  }
}

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium binary: `DIMS_CHROMIUM`, or the first of the usual places. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env, candidates = CANDIDATES): string {
  const set = env.DIMS_CHROMIUM;
  if (set) {
    if (!existsSync(set)) throw new PdfEngineMissing(`PDF reports: DIMS_CHROMIUM=${set} does not exist`);
    return set;
  }
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new PdfEngineMissing(
      'PDF reports need Chromium and a CJK font: install them (Debian: apt-get install chromium fonts-noto-cjk) or set DIMS_CHROMIUM to a Chromium binary',
    );
  return found;
}

let fontChecked = false;

/** Without a CJK font Chromium prints every Chinese character as a box. */
function checkCjkFont(): void {
  if (fontChecked) return;
  const r = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  if (r.status !== 0 || r.stdout.trim() === '')
    throw new PdfEngineMissing(
      'PDF reports need a CJK font so Chinese prints as text: install one (Debian: apt-get install fonts-noto-cjk)',
    );
  fontChecked = true;
}

let browser: Promise<Browser> | undefined;

function launch(): Promise<Browser> {
  browser ??= chromium
    .launch({
      executablePath: chromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
    })
    .then((b) => {
      // A browser that goes away (crash, OOM kill) is started again by the next print.
      b.on('disconnected', () => {
        browser = undefined;
      });
      return b;
    });
  browser.catch(() => {
    browser = undefined;
  });
  return browser;
}

/** Closes the shared browser (tests, hub shutdown). */
export async function closePdfEngine(): Promise<void> {
  const b = browser;
  browser = undefined;
  if (b) await (await b).close().catch(() => undefined);
}

/** Renders the model as a PDF. */
export async function renderPdf(m: ReportModel): Promise<Buffer> {
  chromiumPath();
  checkCjkFont();
  const b = await launch();
  const context = await b.newContext({ locale: m.lang === 'zh' ? 'zh-CN' : 'en-US' });
  try {
    const page = await context.newPage();
    // No network: the document is self-contained (inline SVG charts, no fonts or scripts to fetch).
    await page.route('**/*', (route) => route.abort());
    await page.setContent(renderHtml(m), { waitUntil: 'load' });
    // Page header and footer are the document's own CSS margin boxes (html.ts), not Chromium's templates.
    return await page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true, outline: false });
  } finally {
    await context.close();
  }
}
