/**
 * @module Explicit placement on Grafana's 24-column grid.
 *
 * The SDK's automatic placement lets a panel start at x=18 with w=12 (it only wraps after overflowing),
 * so dims places every panel itself: a cursor that wraps before a panel would cross column 24.
 */
import type { GridPos } from '@grafana/grafana-foundation-sdk/dashboard';

export const GRID_COLUMNS = 24;

/** A left-to-right, top-to-bottom cursor over the grid. */
export class Grid {
  private x = 0;
  private y = 0;
  private rowHeight = 0;

  /** The position of the next panel of size w×h, wrapping to a new line when it would not fit. */
  place(w: number, h: number): GridPos {
    if (w > GRID_COLUMNS) throw new Error(`panel width ${w} exceeds the ${GRID_COLUMNS}-column grid`);
    if (this.x + w > GRID_COLUMNS) this.newline();
    const pos = { x: this.x, y: this.y, w, h };
    this.x += w;
    this.rowHeight = Math.max(this.rowHeight, h);
    return pos;
  }

  /** A full-width row header (height 1) on a fresh line. */
  row(): GridPos {
    this.newline();
    const pos = { x: 0, y: this.y, w: GRID_COLUMNS, h: 1 };
    this.y += 1;
    return pos;
  }

  newline(): void {
    if (this.x === 0 && this.rowHeight === 0) return;
    this.y += this.rowHeight;
    this.x = 0;
    this.rowHeight = 0;
  }
}
