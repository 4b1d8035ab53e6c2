/** @module The influxd harness: loopback only, temp data, restart keeps data, a missing binary fails loudly. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startInfluxd, influxdBinary } from './influxd.ts';

describe('startInfluxd', () => {
  it('starts on 127.0.0.1 with its own data dir, survives stop/restart, and cleans up on dispose', async () => {
    const h = await startInfluxd({ database: 'harness' });
    try {
      assert.match(h.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(h.database, 'harness');
      const conf = readFileSync(join(h.dir, 'influxdb.conf'), 'utf8');
      assert.match(conf, /reporting-enabled = false/);
      assert.match(conf, new RegExp(`bind-address = "127\\.0\\.0\\.1:${h.port}"`));
      assert.match(conf, /^bind-address = "127\.0\.0\.1:\d+"$/m);
      assert.match(conf, /store-enabled = false/);
      const write = await fetch(`${h.url}/write?db=harness&precision=s`, { method: 'POST', body: 'm v=1 1700000000' });
      assert.equal(write.status, 204);
      await h.stop();
      await assert.rejects(fetch(`${h.url}/ping`));
      await h.restart();
      const q = await fetch(`${h.url}/query?db=harness&q=${encodeURIComponent('SELECT count(v) FROM m')}`);
      assert.match(await q.text(), /"count"\],"values":\[\[[^,]+,1\]\]/);
    } finally {
      await h.dispose();
    }
    assert.equal(existsSync(h.dir), false);
  });

  it('fails loudly, naming the package, when influxd is missing', async () => {
    const saved = process.env.INFLUXD_BIN;
    process.env.INFLUXD_BIN = '/nonexistent/influxd';
    try {
      assert.throws(() => influxdBinary(), /influxd not found.*apt-get install -y influxdb/);
      await assert.rejects(startInfluxd(), /influxd not found/);
    } finally {
      if (saved === undefined) delete process.env.INFLUXD_BIN;
      else process.env.INFLUXD_BIN = saved;
    }
  });
});
