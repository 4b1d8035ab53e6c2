/** @module The storage contract against the SQLite adapter, plus what only the embedded store promises. */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { runStorageContract, makeRecord, makeValue, BASE_MS } from '../contract.test-suite.ts';
import { SqliteStorage } from './sqlite-storage.ts';
import { openStorage } from '../open.ts';
import { StorageUnavailableError } from '../errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'dims-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runStorageContract('sqlite (:memory:)', () => new SqliteStorage({ path: ':memory:' }));
runStorageContract('sqlite (file)', () => new SqliteStorage({ path: join(dir, `contract-${n++}.db`) }));

describe('sqlite adapter', () => {
  it('uses WAL, keeps data across reopen, and creates the folder of its file', async () => {
    const path = join(dir, 'nested', 'deeper', 'store.db');
    const s = await openStorage({ kind: 'sqlite', path });
    await s.writeRecords([makeRecord()]);
    await s.writeValues([makeValue()]);
    await s.close();
    const db = new DatabaseSync(path);
    assert.equal((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
    db.close();
    const again = await openStorage({ kind: 'sqlite', path });
    assert.equal((await again.queryRecords({ fromMs: BASE_MS, toMs: BASE_MS + 1 })).length, 1);
    assert.equal((await again.queryValues({ period_kind: 'day' })).length, 1);
    assert.equal(await again.ping(), true);
    await again.close();
    assert.equal(await again.ping(), false);
  });

  it('answers StorageUnavailableError while another connection holds the write lock, and succeeds after', async () => {
    const path = join(dir, 'locked.db');
    const s = new SqliteStorage({ path, busyTimeoutMs: 50 });
    await s.open();
    const other = new DatabaseSync(path);
    other.exec('BEGIN IMMEDIATE');
    await assert.rejects(s.writeRecords([makeRecord()]), StorageUnavailableError);
    other.exec('ROLLBACK');
    other.close();
    await s.writeRecords([makeRecord()]);
    assert.equal((await s.queryRecords({ fromMs: BASE_MS, toMs: BASE_MS + 1 })).length, 1);
    await s.close();
  });

  it('has indexes for the time-window and series queries', async () => {
    const path = join(dir, 'plan.db');
    const s = await openStorage({ kind: 'sqlite', path });
    await s.close();
    const db = new DatabaseSync(path);
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    assert.match(
      plan('SELECT * FROM center_record WHERE start_ms >= 1 AND start_ms < 2'),
      /USING INDEX center_record_by_start/,
    );
    assert.match(
      plan(
        "SELECT * FROM indicator_value WHERE period_kind = 'day' AND indicator = 'pue' AND level = 'center' AND from_ms >= 1",
      ),
      /USING INDEX indicator_value_by_indicator/,
    );
    db.close();
  });
});
