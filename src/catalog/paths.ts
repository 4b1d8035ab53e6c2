/** @module Where the catalog's files live: the repository's `indicators/` folder unless told otherwise. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The project root (two levels above this file). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The default catalog folder. */
export const CATALOG_DIR = path.join(PROJECT_ROOT, 'indicators');

/** Sub-folder per dimension, in order. */
export const DIMENSION_DIRS = {
  A: 'A-computing-scale',
  B: 'B-operating-efficiency',
  C: 'C-green-low-carbon',
  D: 'D-security-autonomy-network',
} as const;
