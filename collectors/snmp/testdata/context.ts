/** @module A CollectorContext for tests: secrets from a map, log lines captured for assertions. */
import type { CollectorContext } from '../../types.ts';

export interface TestContext extends CollectorContext {
  logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
}

export function testContext(secrets: Record<string, string> = {}): TestContext {
  const logs: TestContext['logs'] = [];
  return {
    logs,
    secret(ref) {
      const v = secrets[ref];
      if (v === undefined) throw new Error(`no secret ${ref}`);
      return v;
    },
    log(level, message, fields) {
      logs.push({ level, message, fields });
    },
  };
}
