/** @module openStorage and the storage config schema: both kinds accepted, mistakes named by path. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkStorageConfig, openStorage, createStorage } from './open.ts';

describe('storage config', () => {
  it('accepts the two kinds', () => {
    assert.deepEqual(checkStorageConfig({ kind: 'sqlite', path: 'var/dims.db' }), []);
    assert.deepEqual(checkStorageConfig({ kind: 'sqlite', path: ':memory:' }), []);
    assert.deepEqual(
      checkStorageConfig({
        kind: 'influxdb',
        url: 'http://127.0.0.1:8086',
        database: 'dims',
        username: 'hub',
        password: 's',
        retention: { raw: '90d', recent: '400d', long_term: 'INF' },
        requestTimeoutMs: 5000,
      }),
      [],
    );
  });

  it('names what is wrong', () => {
    assert.match(checkStorageConfig({ kind: 'postgres' }).join('\n'), /\/kind must be one of "sqlite", "influxdb"/);
    assert.match(checkStorageConfig({ kind: 'sqlite' }).join('\n'), /\/path is required/);
    assert.match(
      checkStorageConfig({ kind: 'sqlite', path: 'x', url: 'http://a' }).join('\n'),
      /\/url is not an allowed field/,
    );
    assert.match(
      checkStorageConfig({ kind: 'influxdb', url: 'http://a:1', database: 'd"; DROP' }).join('\n'),
      /\/database must match pattern/,
    );
    assert.match(
      checkStorageConfig({ kind: 'influxdb', url: 'http://a:1', database: 'd', retention: { raw: '1y' } }).join('\n'),
      /\/retention\/raw must match pattern/,
    );
    assert.throws(
      () => createStorage({ kind: 'influxdb', url: 'http://a:1' } as never),
      /storage config is invalid:\n {2}\/database is required/,
    );
  });

  it('opens the embedded store ready to use', async () => {
    const s = await openStorage({ kind: 'sqlite', path: ':memory:' });
    assert.equal(s.kind, 'sqlite');
    assert.equal(await s.ping(), true);
    await s.close();
  });
});
