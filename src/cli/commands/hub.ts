/**
 * @module `dims hub`: run a provincial or national hub, check its config, and manage its tokens.
 */
import { parseOptions, required } from '../args.ts';
import { CliError } from '../errors.ts';
import { durationMs } from '../../agent/config/durations.ts';
import type { HubConfig } from '../../hub/config.ts';
import type { CreatedToken } from '../../hub/auth/tokens.ts';

const HELP = `Usage:
  dims hub --config F                 run the hub (HTTP API, engine schedule, federation)
  dims hub check --config F           validate the config, registry and catalog, then exit
  dims hub token create --scope S [--name N] [--expires-in D] (--config F | --state-db P)
                                      create a token; it is printed once and stored only hashed
  dims hub token list (--config F | --state-db P)
  dims hub token rotate ID [--grace D] [--expires-in D] (--config F | --state-db P)
                                      a new token with the same scope and name; the old one keeps
                                      working for the grace period (default 24h), then expires
  dims hub token revoke ID (--config F | --state-db P)

Scopes: nation | province:<code> | admin | agent:<center> | center:<center> | federate:<code> | alertmanager

Options:
  --config F      hub config (YAML or JSON); see src/hub/hub.sample.yaml
  --state-db P    the hub's state database, instead of the one the config names
  --scope S       token scope
  --name N        a label for the token (default: the scope)
  --expires-in D  the token stops working after D (30m, 12h, 90d); default: never
  --grace D       token rotate: how long the old token keeps working (default 24h; 0s: at once)
  --json          token create/list/rotate: print JSON`;

async function loadConfigOrFail(file: string) {
  const { loadConfig, ConfigError } = await import('../../hub/config.ts');
  try {
    return loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, 2);
    throw err;
  }
}

async function stateDbPath(values: { config?: string; 'state-db'?: string }): Promise<string> {
  if (values['state-db']) return values['state-db'];
  if (values.config) return (await loadConfigOrFail(values.config)).state_db;
  throw new CliError('token commands need --config F or --state-db P', 2);
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    config: { type: 'string' },
    'state-db': { type: 'string' },
    scope: { type: 'string' },
    name: { type: 'string' },
    'expires-in': { type: 'string' },
    grace: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const [sub, action, arg] = positionals;
  if (sub === 'token') return token(action, arg, values);
  if (sub === 'check') {
    const cfg = await loadConfigOrFail(required(values.config, 'config'));
    await checkRest(cfg);
    console.log(
      `${cfg.file}: ok (${cfg.role}${cfg.province ? ` ${cfg.province}` : ''}, storage ${String(cfg.storage.kind)}, ` +
        `listen ${cfg.listen.host}:${cfg.listen.port})`,
    );
    return 0;
  }
  if (sub !== undefined) throw new CliError(`unknown hub command "${sub}"\n\n${HELP}`, 2);
  if (!values.config) {
    console.log(HELP);
    return 2;
  }
  const cfg = await loadConfigOrFail(values.config);
  await checkRest(cfg);
  const { startHub } = await import('../../hub/server.ts');
  const hub = await startHub(cfg);
  console.log(`dims hub (${cfg.role}${cfg.province ? ` ${cfg.province}` : ''}) listening on ${hub.url}`);
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      console.log(`dims hub: ${sig}, shutting down`);
      hub.close().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

/** Registry and catalog errors name file, center and field: print them as a CLI error. */
async function checkRest(cfg: HubConfig): Promise<void> {
  const { loadCatalog, defaultCatalog } = await import('../../catalog/load.ts');
  const { loadRegistry, RegistryError } = await import('../../registry/load.ts');
  const { CatalogError } = await import('../../catalog/errors.ts');
  try {
    const catalog = cfg.catalog ? loadCatalog(cfg.catalog) : defaultCatalog();
    loadRegistry(cfg.registry, catalog);
  } catch (err) {
    if (err instanceof RegistryError || err instanceof CatalogError) throw new CliError(err.message, 2);
    throw err;
  }
}

async function token(
  action: string | undefined,
  arg: string | undefined,
  values: {
    config?: string;
    'state-db'?: string;
    scope?: string;
    name?: string;
    'expires-in'?: string;
    grace?: string;
    json?: boolean;
  },
): Promise<number> {
  const { StateDb } = await import('../../hub/state-db.ts');
  const { createToken, rotateToken } = await import('../../hub/auth/tokens.ts');
  if (action !== 'create' && action !== 'list' && action !== 'revoke' && action !== 'rotate')
    throw new CliError(`token needs create, list, rotate or revoke (got ${JSON.stringify(action ?? '')})`, 2);
  const now = Date.now();
  const expiresIn = values['expires-in'] === undefined ? undefined : duration('--expires-in', values['expires-in']);
  const expiresAt = expiresIn === undefined ? undefined : now + expiresIn;
  const db = new StateDb(await stateDbPath(values));
  try {
    if (action === 'create' || action === 'rotate') {
      let t: CreatedToken & { oldExpiresAt?: number };
      try {
        if (action === 'create') t = createToken(db, required(values.scope, 'scope'), values.name, now, expiresAt);
        else {
          if (!arg) throw new CliError('token rotate needs the token id (see `dims hub token list`)', 2);
          t = rotateToken(db, arg, duration('--grace', values.grace ?? '24h'), now, expiresAt);
        }
      } catch (err) {
        if (err instanceof CliError) throw err;
        throw new CliError((err as Error).message, action === 'rotate' ? 1 : 2);
      }
      if (values.json) console.log(JSON.stringify(t));
      else {
        console.log(`id:    ${t.id}\nname:  ${t.name}\nscope: ${t.scope}\ntoken: ${t.token}`);
        if (t.expiresAt !== undefined) console.log(`expires: ${new Date(t.expiresAt).toISOString()}`);
        if (t.oldExpiresAt !== undefined)
          console.error(
            `Token ${arg} keeps working until ${new Date(t.oldExpiresAt).toISOString()}; give the new token to its holder before then.`,
          );
        console.error('The token is shown only now; it is stored hashed.');
      }
      return 0;
    }
    if (action === 'list') {
      const rows = db.listTokens().map((r) => ({
        id: r.id,
        name: r.name,
        scope: r.scope,
        created: new Date(r.created_at).toISOString(),
        last_used: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
        expires: r.expires_at ? new Date(r.expires_at).toISOString() : null,
        revoked: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
      }));
      if (values.json) console.log(JSON.stringify(rows, null, 2));
      else
        for (const r of rows)
          console.log(
            `${r.id}  ${r.scope.padEnd(20)} ${r.name.padEnd(24)} created ${r.created}  last used ${r.last_used ?? 'never'}` +
              (r.expires ? `  ${Date.parse(r.expires) <= now ? 'EXPIRED' : 'expires'} ${r.expires}` : '') +
              (r.revoked ? `  REVOKED ${r.revoked}` : ''),
          );
      return 0;
    }
    if (!arg) throw new CliError('token revoke needs the token id (see `dims hub token list`)', 2);
    if (!db.revokeToken(arg, Date.now())) throw new CliError(`no active token with id ${JSON.stringify(arg)}`, 1);
    console.log(`revoked ${arg}`);
    return 0;
  } finally {
    db.close();
  }
}

/** Milliseconds of a duration option (30m, 12h, 90d); a usage error naming the option otherwise. */
function duration(option: string, text: string): number {
  try {
    return durationMs(text);
  } catch {
    throw new CliError(`${option} must be a duration like 30m, 12h or 90d (got ${JSON.stringify(text)})`, 2);
  }
}
