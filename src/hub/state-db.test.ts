/** @module StateDb: the federation outbox lives in the push Outbox beside the state DB; older queues move into it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { StateDb, UPSTREAM_SINK } from './state-db.ts';

test('records queued in the outbox table of an earlier state DB move into the federation outbox', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-state-'));
  try {
    const file = path.join(dir, 'state.db');
    const old = new DatabaseSync(file);
    old.exec(
      'CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, record TEXT NOT ' +
        'NULL, attempts INTEGER NOT NULL DEFAULT 0)',
    );
    for (const start of ['2026-10-05T02:00:00.000Z', '2026-10-05T02:05:00.000Z'])
      old
        .prepare('INSERT INTO outbox (key, record) VALUES (?, ?)')
        .run(`gz-01/${start}`, JSON.stringify({ center: 'gz-01', start, end: start, metrics: { it_energy_kwh: 1 } }));
    old.close();

    const state = new StateDb(file);
    assert.equal(state.outboxSize(), 2);
    assert.deepEqual(
      state.outbox.peek(UPSTREAM_SINK, 10).map((p) => p.key),
      ['gz-01/2026-10-05T02:00:00.000Z', 'gz-01/2026-10-05T02:05:00.000Z'],
    );
    assert.ok(existsSync(`${file}.outbox`));
    state.close();
    // Moved once: the old table is gone, the records stay queued.
    const again = new StateDb(file);
    assert.equal(again.outboxSize(), 2);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
