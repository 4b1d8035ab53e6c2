/** @module `dims bench` options: --stores and --sizes narrow the hub benchmark, and bad values are refused by name. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './bench.ts';
import { CliError } from '../errors.ts';

test('--stores and --sizes name the bad value, and apply to the hub benchmark only', async () => {
  await assert.rejects(
    run(['hub', '--stores', 'influxdb,mysql']),
    (e: Error) =>
      e instanceof CliError && e.exitCode === 2 && /--stores: "mysql" is not one of sqlite, influxdb/.test(e.message),
  );
  await assert.rejects(
    run(['hub', '--sizes', '1000,ten']),
    (e: Error) => e instanceof CliError && /--sizes: "ten" is not a number of centers/.test(e.message),
  );
  await assert.rejects(
    run(['hub', '--sizes', '0']),
    (e: Error) => e instanceof CliError && /--sizes: "0"/.test(e.message),
  );
  await assert.rejects(
    run(['engine', '--stores', 'sqlite']),
    (e: Error) => e instanceof CliError && /apply to the hub benchmark only/.test(e.message),
  );
  await assert.rejects(
    run(['agent', '--skip-floors']),
    (e: Error) => e instanceof CliError && /apply to the hub benchmark only/.test(e.message),
  );
});
