/**
 * @module Runs the whole test suite with node's test runner: every `*.test.ts` beside the code and under tests/.
 *
 * Usage: node tests/run-tests.ts [substring ...]  (only files whose path contains one of the substrings)
 */
import { globSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const roots = ['src', 'collectors', 'grafana', 'alerting', 'indicators', 'tests'];
const filters = process.argv.slice(2);
const files = roots
  .flatMap((root) => globSync(`${root}/**/*.test.ts`))
  .filter((f) => !f.includes('node_modules'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

if (files.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}

// Two workers: the machines this runs on have two cores, and several suites start real servers.
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=600000', ...files], {
  stdio: 'inherit',
  env: { ...process.env, DIMS_TEST: '1' },
});
process.exit(result.status ?? 1);
