/**
 * @module Golden fixtures: every `testdata/<profile>/<case>.{prom,om,html}` is served over loopback and collected;
 * the samples must equal `<case>.expected.json`, or the error must match `<case>.error.json`.
 *
 * Set DIMS_UPDATE_GOLDEN=1 to (re)write `.expected.json` files after reviewing a change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CollectError } from '../types.ts';
import { prometheusPlugin } from './index.ts';
import type { PrometheusConfig } from './index.ts';
import { bundledProfileNames } from './profile.ts';
import { startStub, testContext } from './test-helpers.ts';
import { CONTENT_TYPES } from './write.ts';

const ROOT = join(import.meta.dirname, 'testdata');
const TYPES: Record<string, string> = {
  prom: CONTENT_TYPES.prometheus,
  om: CONTENT_TYPES.openmetrics,
  html: 'text/html; charset=utf-8',
};
const profiles = bundledProfileNames();

for (const dir of readdirSync(ROOT).sort()) {
  for (const file of readdirSync(join(ROOT, dir)).sort()) {
    const m = /^(.*)\.(prom|om|html)$/.exec(file);
    if (m === null) continue;
    const base = join(ROOT, dir, m[1]!);
    test(`golden ${dir}/${file}`, async () => {
      const stub = await startStub({
        '/metrics': { body: readFileSync(join(ROOT, dir, file)), contentType: TYPES[m[2]!]! },
      });
      const config: PrometheusConfig = { url: stub.url('/metrics') };
      if (profiles.includes(dir)) config.profiles = [dir as NonNullable<PrometheusConfig['profiles']>[number]];
      const collector = prometheusPlugin.create(config, testContext());
      try {
        if (existsSync(`${base}.error.json`)) {
          const want = JSON.parse(readFileSync(`${base}.error.json`, 'utf8')) as { kind: string; message: string };
          await assert.rejects(collector.collect(AbortSignal.timeout(3000)), (err: unknown) => {
            assert.ok(err instanceof CollectError, String(err));
            assert.equal(err.kind, want.kind);
            assert.ok(
              err.message.includes(want.message),
              `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(want.message)}`,
            );
            assert.ok(err.message.includes(config.url), 'message must name the URL');
            return true;
          });
          return;
        }
        const got = await collector.collect(AbortSignal.timeout(3000));
        if (process.env['DIMS_UPDATE_GOLDEN'] === '1')
          writeFileSync(`${base}.expected.json`, `${JSON.stringify(got, null, 2)}\n`);
        assert.ok(
          existsSync(`${base}.expected.json`),
          `${base}.expected.json is missing (run with DIMS_UPDATE_GOLDEN=1 and review it)`,
        );
        assert.deepEqual(got, JSON.parse(readFileSync(`${base}.expected.json`, 'utf8')));
      } finally {
        await collector.close();
        await stub.close();
      }
    });
  }
}
