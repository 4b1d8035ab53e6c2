/**
 * @module The embedded store's tables: one per storage tier and kind of item, so retention is a range
 * delete on one table and the size of each tier is the size of its tables.
 *
 * | table            | tier      | holds                                                  | key                                |
 * | ---------------- | --------- | ------------------------------------------------------ | ---------------------------------- |
 * | `telemetry`      | raw       | telemetry records (and an index by center and start)   | (start_ms, center)                 |
 * | `declaration`    | long_term | declarations (filings)                                 | (start_ms, center)                 |
 * | `rollup_recent`  | recent    | hour roll-ups                                          | (kind, start_ms, center)           |
 * | `rollup_long`    | long_term | day and month roll-ups                                 | (kind, start_ms, center)           |
 * | `value_realtime` | realtime  | values of rolling windows, one row per node and window | (period_kind, period, level, code) |
 * | `value_recent`   | recent    | hour values, one row per node and hour                 | (period_kind, period, level, code) |
 * | `value_long`     | long_term | day, month, quarter and year values                    | (period_kind, period, level, code) |
 * | `names`          | —         | the dictionary of names the row bodies use (codec.ts)  | id                                 |
 * | `write_probe`    | —         | one row probeWrite rewrites to test that writes succeed | id                                 |
 *
 * A node's values for a period (all its indicators) are one row: an hour close at 10,000 centers writes
 * 10,000 rows rather than 600,000, and the row is read whole by every query that needs any of them.
 */

export const VALUE_TABLES = { realtime: 'value_realtime', recent: 'value_recent', long_term: 'value_long' } as const;
export const ROLLUP_TABLES = { recent: 'rollup_recent', long_term: 'rollup_long' } as const;

const recordTable = (name: string) => `
CREATE TABLE IF NOT EXISTS ${name} (
  start_ms INTEGER NOT NULL,
  center   TEXT    NOT NULL,
  end_ms   INTEGER NOT NULL,
  province TEXT    NOT NULL,
  body     BLOB    NOT NULL,
  PRIMARY KEY (start_ms, center)
) WITHOUT ROWID;`;

const rollupTable = (name: string) => `
CREATE TABLE IF NOT EXISTS ${name} (
  kind           TEXT    NOT NULL,
  start_ms       INTEGER NOT NULL,
  center         TEXT    NOT NULL,
  end_ms         INTEGER NOT NULL,
  province       TEXT    NOT NULL,
  records        INTEGER NOT NULL,
  covered_ms     REAL    NOT NULL,
  first_start_ms INTEGER NOT NULL,
  last_end_ms    INTEGER NOT NULL,
  body           BLOB    NOT NULL,
  PRIMARY KEY (kind, start_ms, center)
) WITHOUT ROWID;`;

// Value rows are a few KB (every indicator of a node): an ordinary rowid table keeps them on the page,
// where a WITHOUT ROWID table would spill anything over ~1/16 of a page to overflow pages.
const valueTable = (name: string) => `
CREATE TABLE IF NOT EXISTS ${name} (
  period_kind TEXT    NOT NULL,
  period      TEXT    NOT NULL,
  level       TEXT    NOT NULL,
  code        TEXT    NOT NULL,
  from_ms     INTEGER NOT NULL,
  province    TEXT    NOT NULL,
  body        BLOB    NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ${name}_identity ON ${name} (period_kind, period, level, code);
CREATE INDEX IF NOT EXISTS ${name}_series ON ${name} (period_kind, level, code, from_ms);
CREATE INDEX IF NOT EXISTS ${name}_start ON ${name} (period_kind, from_ms);`;

export const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);',
  // Where probeWrite writes a page's worth of bytes to learn whether writes succeed (after a full disk).
  'CREATE TABLE IF NOT EXISTS write_probe (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, pad BLOB NOT NULL);',
  recordTable('telemetry'),
  // Each center's latest telemetry with one backward seek (the overlap check at ingest).
  'CREATE INDEX IF NOT EXISTS telemetry_by_center ON telemetry (center, start_ms);',
  recordTable('declaration'),
  rollupTable(ROLLUP_TABLES.recent),
  rollupTable(ROLLUP_TABLES.long_term),
  valueTable(VALUE_TABLES.realtime),
  valueTable(VALUE_TABLES.recent),
  valueTable(VALUE_TABLES.long_term),
].join('\n');

/** The first layout's tables (JSON bodies, one row per value); `open` moves their rows into the tables above. */
export const LEGACY_TABLES = ['center_record', 'indicator_value'] as const;
