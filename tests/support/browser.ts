/**
 * @module Launches Debian's Chromium through playwright-core for browser tests: headless, a fresh profile,
 * and no network but loopback (every other request is aborted and recorded, so a test can prove none happened).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.DIMS_CHROMIUM ?? '/usr/bin/chromium';

export interface TestBrowser {
  context: BrowserContext;
  /** URLs the pages tried to reach off loopback (always aborted). */
  offLoopback: string[];
  close(): Promise<void>;
}

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function loopback(url: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:') || url.startsWith('about:')) return true;
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}

/**
 * Whether fontconfig knows a font covering Chinese. Without one Chromium draws every CJK glyph as a box:
 * the DOM still reads right, but the screenshots people look at are unreadable.
 */
export function hasCjkFont(): boolean {
  const r = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim().length > 0;
}

/** Starts Chromium; throws with the install hint when the binary or a CJK font is missing (a browser test must not silently skip). */
export async function launchBrowser(
  opts: { locale?: string; downloadsPath?: string; requireCjkFont?: boolean } = {},
): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `browser tests need Chromium at ${CHROMIUM}: install the Debian package (apt-get install chromium) or set DIMS_CHROMIUM`,
    );
  }
  if ((opts.requireCjkFont ?? true) && !hasCjkFont()) {
    throw new Error(
      'browser tests need a CJK font so Chinese pages render (not boxes): install the Debian package (apt-get install fonts-noto-cjk)',
    );
  }
  const profile = mkdtempSync(path.join(tmpdir(), 'dims-chromium-'));
  // launchPersistentContext is how playwright takes --user-data-dir: a fresh profile per run.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    locale: opts.locale ?? 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 1000 },
    acceptDownloads: true,
    ...(opts.downloadsPath ? { downloadsPath: opts.downloadsPath } : {}),
  });
  const offLoopback: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (loopback(url)) return route.continue();
    offLoopback.push(url);
    return route.abort('blockedbyclient');
  });
  return {
    context,
    offLoopback,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
