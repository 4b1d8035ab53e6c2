/**
 * @module Golden fixtures: each `testdata/<vendor>/<case>.json` holds a captured-shape Redfish tree (path → body)
 * served over loopback; the samples must equal `<case>.expected.json`, or the error must match the fixture's `error`.
 *
 * Set DIMS_UPDATE_GOLDEN=1 to (re)write `.expected.json` files after reviewing a change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CollectError } from '../types.ts';
import { redfishPlugin } from './index.ts';
import type { RedfishConfig } from './index.ts';
import { bundledProfileNames } from './profile.ts';
import { startFixtureServer, testContext } from './test-helpers.ts';
import type { FixtureRoute } from './test-helpers.ts';

interface Fixture {
  description: string;
  config?: Partial<RedfishConfig>;
  routes: Record<string, FixtureRoute>;
  error?: { kind: string; message: string };
}

const ROOT = join(import.meta.dirname, 'testdata');

for (const dir of readdirSync(ROOT).sort()) {
  for (const file of readdirSync(join(ROOT, dir)).sort()) {
    if (!file.endsWith('.json') || file.endsWith('.expected.json')) continue;
    const path = join(ROOT, dir, file);
    const fixture = JSON.parse(readFileSync(path, 'utf8')) as Fixture;
    test(`golden ${dir}/${file}: ${fixture.description}`, async () => {
      const stub = await startFixtureServer(fixture.routes);
      const collector = redfishPlugin.create({ url: stub.url, auth: 'none', ...fixture.config }, testContext());
      try {
        if (fixture.error !== undefined) {
          const want = fixture.error;
          await assert.rejects(collector.collect(AbortSignal.timeout(3000)), (err: unknown) => {
            assert.ok(err instanceof CollectError, String(err));
            assert.equal(err.kind, want.kind, err.message);
            assert.ok(
              err.message.includes(want.message),
              `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(want.message)}`,
            );
            assert.ok(err.message.includes(stub.url), 'message must name the URL');
            return true;
          });
          return;
        }
        const got = await collector.collect(AbortSignal.timeout(3000));
        // testdata/<vendor>/ holds that vendor's captures: profile auto must pick the vendor's profile.
        if (bundledProfileNames().includes(dir))
          assert.equal(collector.report?.().produced[0]?.profile, dir, collector.report?.().detected);
        const expectedPath = path.replace(/\.json$/, '.expected.json');
        if (process.env['DIMS_UPDATE_GOLDEN'] === '1') writeFileSync(expectedPath, `${JSON.stringify(got, null, 2)}\n`);
        assert.ok(existsSync(expectedPath), `${expectedPath} is missing (run with DIMS_UPDATE_GOLDEN=1 and review it)`);
        assert.deepEqual(got, JSON.parse(readFileSync(expectedPath, 'utf8')));
      } finally {
        await collector.close();
        await stub.close();
      }
    });
  }
}
