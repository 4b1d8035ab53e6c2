/**
 * @module Golden cases: testdata/golden/<case>/{config.yaml, device.snmprec, expected.json | error.txt}.
 * Each dump is served by an in-memory session, so the profile, the walk logic and the mapping are checked
 * against recorded agent answers; `error.txt` holds `<kind>: <exact message>` for broken cases.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CollectError } from '../types.ts';
import { validateConfig } from './config.ts';
import { planReads } from './plan.ts';
import { loadProfiles, readTarget } from './snmp.ts';
import { detectProfiles } from './detect.ts';
import { loadBundledProfiles } from './profile.ts';
import { parseSnmprec, snmprecSession } from './testdata/snmprec.ts';

const root = join(import.meta.dirname, 'testdata', 'golden');

async function run(dir: string): Promise<{ samples: unknown[]; problems: string[] }> {
  const config = validateConfig(parse(readFileSync(join(dir, 'config.yaml'), 'utf8')));
  const expectedPath = join(dir, 'expected.json');
  const truncate = existsSync(expectedPath)
    ? (JSON.parse(readFileSync(expectedPath, 'utf8')) as { truncate_to?: number }).truncate_to
    : undefined;
  const session = snmprecSession(parseSnmprec(readFileSync(join(dir, 'device.snmprec'), 'utf8')), truncate);
  const profiles =
    config.profiles === undefined || config.profiles === 'auto'
      ? (await detectProfiles(session, loadBundledProfiles(), AbortSignal.timeout(2000))).profiles
      : loadProfiles(config.profiles);
  let problems: string[] = [];
  const { samples } = await readTarget(
    session,
    profiles,
    planReads(profiles),
    { maxRepetitions: config.max_repetitions ?? 10, maxOidsPerGet: config.max_oids_per_get ?? 32 },
    AbortSignal.timeout(2000),
    (_m, p) => (problems = p),
  );
  return { samples, problems };
}

describe('SNMP golden cases', () => {
  const cases = readdirSync(root).sort();
  it('has both good and broken cases', () => {
    assert.ok(cases.some((c) => c.startsWith('broken-')));
    assert.ok(cases.filter((c) => !c.startsWith('broken-')).length >= 4);
  });
  for (const name of cases) {
    it(name, async () => {
      const dir = join(root, name);
      const errorPath = join(dir, 'error.txt');
      if (existsSync(errorPath)) {
        const want = readFileSync(errorPath, 'utf8').trim();
        const got = await run(dir).then(
          () => 'no error',
          (e: unknown) => (e instanceof CollectError ? `${e.kind}: ${e.message}` : String(e)),
        );
        assert.equal(got, want);
        return;
      }
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
        samples: unknown[];
        problems: string[];
      };
      const got = await run(dir);
      assert.deepEqual(got.samples, expected.samples);
      assert.deepEqual(got.problems, expected.problems);
    });
  }
});
