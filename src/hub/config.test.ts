/** @module Hub config: defaults, path resolution, and errors that name file, path and value. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, loadConfig, parseConfig } from './config.ts';

test('the sample config loads with loopback defaults and paths beside the file', () => {
  const file = new URL('./hub.sample.yaml', import.meta.url).pathname;
  const c = loadConfig(file);
  assert.equal(c.listen.host, '127.0.0.1');
  assert.equal(c.timezone, 'Asia/Shanghai');
  assert.equal(c.registry, path.join(path.dirname(file), 'sample-registry.yaml'));
  assert.equal(c.storage.path, path.join(path.dirname(file), 'data', 'hub-data.db'));
  assert.deepEqual(c.engine.kinds, ['hour', 'day', 'month', 'quarter', 'year']);
});

test('every problem names the file, the path and the value', () => {
  assert.throws(
    () =>
      parseConfig(
        {
          registry: 'r.yaml',
          listen: { port: 70000 },
          timezone: 'Mars/Olympus',
          storage: { kind: 'influxdb', url: 'ftp://x' },
        },
        'hub.yaml',
      ),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      const text = err.problems.join('\n');
      assert.match(text, /hub\.yaml: \/listen\/port must be <= 65535 \(got 70000\)/);
      assert.match(text, /hub\.yaml: \/storage\/url must match pattern .* \(got "ftp:\/\/x"\)/);
      assert.match(text, /hub\.yaml: \/storage\/database is required/);
      return true;
    },
  );
  assert.throws(
    () => parseConfig({ registry: 'r.yaml', timezone: 'Mars/Olympus' }, 'hub.yaml'),
    /\/timezone is not an IANA time zone \(got "Mars\/Olympus"\)/,
  );
  assert.throws(() => parseConfig({ registry: 'r.yaml', role: 'provincial' }, 'hub.yaml'), /\/province is required/);
  assert.throws(
    () => parseConfig({ registry: 'r.yaml', federation: { upstream: 'http://127.0.0.1:1', token: 'x' } }, 'hub.yaml'),
    /only for a provincial hub/,
  );
  assert.throws(() => loadConfig('/nonexistent/hub.yaml'), /\/nonexistent\/hub\.yaml: cannot be read \(ENOENT\)/);
});
