/**
 * @module GET /runbooks/<Alert>.md: the alert runbooks `dims rules build` writes, served from `runbooks_dir` so the
 * `runbook_url` of every alert (and the console's alerts page) opens one. No token: runbooks hold no data.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import type { HubContext } from '../context.ts';
import { HubError } from '../errors.ts';

export function register(app: Express, ctx: HubContext): void {
  const dir = ctx.config.runbooks_dir;
  if (dir === undefined) return;
  app.get('/runbooks/:name', (req, res) => {
    const name = req.params.name;
    // Alert names and README only: nothing outside the folder can be named.
    if (!/^[A-Za-z][A-Za-z0-9_]*\.md$/.test(name)) throw new HubError('DIMS_ERR_NOT_FOUND');
    const file = path.join(dir, name);
    if (!existsSync(file)) throw new HubError('DIMS_ERR_NOT_FOUND', `no runbook ${JSON.stringify(name)}`);
    res.set('Content-Type', 'text/plain; charset=utf-8').send(readFileSync(file, 'utf8'));
  });
}
