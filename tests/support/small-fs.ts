/**
 * @module Test harness: a small file system to fill up, for full-disk tests. A tmpfs of a given size is
 * mounted on a temp dir (mounting needs root, as in CI); `fill()` writes a filler file until the file
 * system says ENOSPC, `free()` deletes it.
 *
 *   const fs = mountSmallFs(16 * 1024 * 1024);
 *   fs.dir        // the mount point
 *   fs.fill()     // no space left
 *   fs.free()     // space again
 *   fs.unmount()  // in `after()`
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallFs {
  dir: string;
  /** Bytes free now. */
  freeBytes(): number;
  /** Writes filler until the file system is full. */
  fill(): void;
  /** Deletes the filler. */
  free(): void;
  unmount(): void;
}

/** Mounts a tmpfs of `bytes`; throws, saying why, when it cannot (not root, no mount). */
export function mountSmallFs(bytes: number): SmallFs {
  const dir = mkdtempSync(join(tmpdir(), 'dims-smallfs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `full-disk tests mount a ${bytes}-byte tmpfs and need root (CAP_SYS_ADMIN): mount said ${JSON.stringify((r.stderr || r.error?.message || '').trim())}`,
    );
  }
  const filler = join(dir, 'filler');
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  return {
    dir,
    freeBytes() {
      const st = statfsSync(dir);
      return st.bavail * st.bsize;
    },
    fill() {
      const fd = openSync(filler, 'a');
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        // The last blocks: smaller writes until not even one byte fits.
        for (let n = chunk.length / 2; n >= 1; n = Math.floor(n / 2)) {
          try {
            for (;;) writeSync(fd, chunk, 0, n);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      spawnSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
