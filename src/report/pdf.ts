/**
 * @module PDF reports: the HTML rendering (html.ts) printed by Chromium (driven with playwright-core) on A4,
 * with the title and period in the page header and "第 N 页 共 M 页" in the footer (CSS margin boxes).
 *
 * One browser per process, started on first use and kept, and its pages kept between prints: a print then
 * costs a document load and the print itself, not a browser start or a new context (a few hundred ms on a
 * busy machine). At most `PDF_LIMITS.concurrent` prints run at once (each a page); up to `waiting` more wait
 * their turn and the rest are refused with `PdfBusy`, so a burst of PDF downloads queues instead of starting
 * a page each and starving the hub. When Chromium or a CJK font is missing the answer is
 * `PdfEngineMissing`, naming what to install; never a broken file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
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

/** Prints at once (each on a Chromium page of its own) and prints that may wait for one; more are refused. */
export const PDF_LIMITS = { concurrent: 2, waiting: 16 };

/** Too many prints at once: the caller is told to come back (the hub answers 503 with Retry-After). */
export class PdfBusy extends Error {
  constructor(waiting: number) {
    super(`PDF reports: ${PDF_LIMITS.concurrent} are printing and ${waiting} waiting; try again in a few seconds`);
    this.name = 'PdfBusy';
  }
}

interface Engine {
  browser: Browser;
  /** One context for every print: the documents are self-contained and set their own language. */
  context: BrowserContext;
  idle: Page[];
  open: number;
}

let engine: Promise<Engine> | undefined;
const waiting: Array<(got: { e: Engine; page: Page } | Error) => void> = [];

async function start(): Promise<Engine> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  // A browser that goes away (crash, OOM kill) is started again by the next print.
  browser.on('disconnected', () => {
    engine = undefined;
  });
  const context = await browser.newContext();
  // No network: the document is self-contained (inline SVG charts, no fonts or scripts to fetch).
  await context.route('**/*', (route) => route.abort());
  return { browser, context, idle: [], open: 0 };
}

function launch(): Promise<Engine> {
  engine ??= start();
  engine.catch(() => {
    engine = undefined;
  });
  return engine;
}

/** A page to print on: an idle one, a new one while fewer than the limit are open, or one a print gives back. */
async function acquire(): Promise<{ e: Engine; page: Page }> {
  const e = await launch();
  const idle = e.idle.pop();
  if (idle) return { e, page: idle };
  if (e.open < PDF_LIMITS.concurrent) {
    e.open++;
    try {
      return { e, page: await e.context.newPage() };
    } catch (err) {
      e.open--;
      throw err;
    }
  }
  if (waiting.length >= PDF_LIMITS.waiting) throw new PdfBusy(waiting.length);
  const got = await new Promise<{ e: Engine; page: Page } | Error>((resolve) => waiting.push(resolve));
  if (got instanceof Error) throw got;
  return got;
}

/** Hands the page to the next waiting print, or keeps it idle; a page a print failed on is closed. */
function release(e: Engine, page: Page, ok: boolean): void {
  if (!ok || page.isClosed()) {
    e.open--;
    void page.close().catch(() => undefined);
    const next = waiting.shift();
    if (next) acquire().then(next, (err: Error) => next(err));
    return;
  }
  const next = waiting.shift();
  if (next) next({ e, page });
  else e.idle.push(page);
}

/** Closes the shared browser (tests, hub shutdown). */
export async function closePdfEngine(): Promise<void> {
  const e = engine;
  engine = undefined;
  for (const w of waiting.splice(0)) w(new Error('PDF reports: the engine was closed'));
  if (e) await (await e).browser.close().catch(() => undefined);
}

/** Renders the model as a PDF. */
export async function renderPdf(m: ReportModel): Promise<Buffer> {
  chromiumPath();
  checkCjkFont();
  const html = renderHtml(m);
  const { e, page } = await acquire();
  let ok = false;
  try {
    await page.setContent(html, { waitUntil: 'load' });
    // Page header and footer are the document's own CSS margin boxes (html.ts), not Chromium's templates.
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true, outline: false });
    ok = true;
    return pdf;
  } finally {
    release(e, page, ok);
  }
}
