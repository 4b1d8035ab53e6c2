/**
 * @module The hub of `dims bench reports`: a hub in a process of its own (as it runs in production), so the
 * reports it builds share neither CPU time nor heap with the fleet the benchmark holds. No schedule, no engine:
 * it serves the values and records the benchmark stored. Prints one JSON line when it listens ({"url"}).
 * SIGTERM closes the hub and its PDF browser, then exits.
 *
 * Usage: node report-hub-child.ts HUB.yaml
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseConfig } from '../hub/config.ts';
import { startHub } from '../hub/server.ts';
import { closePdfEngine } from '../report/pdf.ts';

const configFile = process.argv[2]!;
const hub = await startHub(parseConfig(parse(readFileSync(configFile, 'utf8')), configFile), {
  log: () => {},
  scheduler: false,
});
process.stdout.write(`${JSON.stringify({ url: hub.url })}\n`);
process.on('SIGTERM', () => {
  void hub
    .close()
    .then(closePdfEngine)
    .finally(() => process.exit(0));
});
