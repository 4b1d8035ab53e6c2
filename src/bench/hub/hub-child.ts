/**
 * @module The hub benchmark's hub: `dims hub` as it runs in production (its own process, its real schedule), on
 * the benchmark's compressed clock. Prints one JSON line when it listens ({"url"}) and one per engine run
 * ({"run"}: kind, period, ms), so the benchmark reads every close's time as the hub measured it. SIGTERM stops it.
 *
 * Usage: node hub-child.ts HUB.yaml CLOCK.json
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseConfig } from '../../hub/config.ts';
import { startHub } from '../../hub/server.ts';
import { simAt, type ClockSpec } from './clock.ts';

const [configFile, clockFile] = process.argv.slice(2) as [string, string];
const clock = JSON.parse(readFileSync(clockFile, 'utf8')) as ClockSpec;
const config = parseConfig(parse(readFileSync(configFile, 'utf8')), configFile);
const line = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
const hub = await startHub(config, {
  now: () => simAt(clock),
  // The schedule looks at the compressed clock often enough to see every simulated minute.
  tickMs: Math.max(50, Math.floor(15_000 / clock.factor)),
  log: (level, message) => level !== 'info' && line({ log: `${level} ${message}` }),
});
hub.ctx.engine.onRun = (r) =>
  line({ run: { kind: r.kind, period: r.period, ms: r.ms, values: r.values, at: simAt(clock) } });
line({ url: hub.url });
process.on('SIGTERM', () => {
  void hub.close().then(() => process.exit(0));
});
