/**
 * @module Test support for printed reports: LibreOffice's headless conversion of an xlsx to PDF, and the
 * text of each PDF page (poppler's pdftotext), so a test can check what lands on which page.
 *
 * A missing tool is a failure that names the Debian package to install: a print test that skips is not a test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function run(cmd: string, args: string[], pkg: string, timeout = 180_000) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new Error(`${cmd} not found: install it (Debian: apt-get install ${pkg}) to run the print tests`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Converts an xlsx to PDF with LibreOffice (a fresh profile each time); returns the PDF bytes. */
export function xlsxToPdf(xlsx: Buffer): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-print-'));
  try {
    writeFileSync(path.join(dir, 'report.xlsx'), xlsx);
    run(
      'soffice',
      [
        `-env:UserInstallation=file://${path.join(dir, 'profile')}`,
        '--headless',
        '--norestore',
        '--convert-to',
        'pdf',
        '--outdir',
        dir,
        path.join(dir, 'report.xlsx'),
      ],
      'libreoffice-calc-nogui',
    );
    return readFileSync(path.join(dir, 'report.pdf'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of every page of a PDF, in reading order, one string per page. */
export function pdfPages(pdf: Buffer): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-pdftext-'));
  try {
    const file = path.join(dir, 'r.pdf');
    writeFileSync(file, pdf);
    const info = run('pdfinfo', [file], 'poppler-utils');
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 'NaN');
    if (!Number.isInteger(pages)) throw new Error(`pdfinfo gave no page count: ${info}`);
    // -layout keeps a table row on one line, so a label and its value read together.
    const text = run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], 'poppler-utils');
    const split = text.split('\f');
    if (split.at(-1)?.trim() === '') split.pop();
    if (split.length !== pages) throw new Error(`pdftotext gave ${split.length} pages, pdfinfo ${pages}`);
    return split;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every page's size in points (pdfinfo), e.g. { width: 595.3, height: 841.9 } for A4 portrait. */
export function pdfPageSizes(pdf: Buffer): Array<{ width: number; height: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-pdfinfo-'));
  try {
    const file = path.join(dir, 'r.pdf');
    writeFileSync(file, pdf);
    const out = run('pdfinfo', ['-f', '1', '-l', '100000', file], 'poppler-utils');
    return [...out.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((m) => ({
      width: Number(m[1]),
      height: Number(m[2]),
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether a page size is A4 in either orientation (within a point). */
export function isA4(s: { width: number; height: number }): boolean {
  const [a, b] = [Math.min(s.width, s.height), Math.max(s.width, s.height)];
  return Math.abs(a - 595.3) < 1.5 && Math.abs(b - 841.9) < 1.5;
}
