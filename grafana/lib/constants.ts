/** @module Timing constants shared by the rules and the dashboards that show the same conditions. */

/** A center is late when its newest record ended more than this long ago (three 5-minute records missed). */
export const LATE_AFTER_SECONDS = 900;

/** An agent outbox that keeps growing this long means the hub does not take its records. */
export const OUTBOX_GROWTH_WINDOW = '15m';
