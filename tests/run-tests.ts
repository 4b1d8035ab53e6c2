/**
 * @module Runs the whole test suite with node's test runner: every `*.test.ts` beside the code and under tests/.
 *
 * Usage: node tests/run-tests.ts [substring ...]  (only files whose path contains one of the substrings)
 */
import { existsSync, globSync } from 'node:fs';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const roots = ['src', 'collectors', 'grafana', 'alerting', 'indicators', 'tests'];

/**
 * The files that take longest, longest first: the runner starts files in the order given, and one of these started
 * last would run alone on one worker at the end while the other worker idles. (`npm start` on five dates, a
 * simulated day and a cooling failure are minutes of waiting on a clock each.)
 */
const LONGEST = [
  'tests/e2e/demo.test.ts',
  'tests/e2e/agent-accuracy.test.ts',
  'tests/e2e/cooling-failure.test.ts',
  'tests/e2e/dashboards-query.test.ts',
  'src/hub/hostile/hostile.test.ts',
  'alerting/rules.test.ts',
  'src/report/cli.test.ts',
];
const rank = (f: string) => (LONGEST.includes(f) ? LONGEST.indexOf(f) : LONGEST.length);
for (const f of LONGEST) {
  if (!existsSync(f)) {
    console.error(`run-tests: ${f} (in LONGEST) does not exist; keep the list to the files that take longest`);
    process.exit(1);
  }
}

const filters = process.argv.slice(2);
const files = roots
  .flatMap((root) => globSync(`${root}/**/*.test.ts`))
  .filter((f) => !f.includes('node_modules'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

if (files.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}

// run() rather than `node --test <files>`, which sorts the files by name. Two workers: the machines this runs on have
// two cores, and several suites start real servers.
process.env.DIMS_TEST = '1';
run({ files, concurrency: 2, timeout: 600_000 })
  .on('test:fail', () => {
    process.exitCode = 1;
  })
  .compose(spec)
  .pipe(process.stdout);
