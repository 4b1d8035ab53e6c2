/**
 * @module The hub's HTTPS: the certificate, key and client CA come from files that are read again when
 * they change on disk (or on SIGHUP), so a renewed certificate needs no restart; and the rule that agent
 * and federate tokens come over a connection whose verified client certificate names them.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { createSecureContext, type SecureContextOptions, type TLSSocket } from 'node:tls';
import type { RequestHandler } from 'express';
import type { TlsConfig } from './config.ts';
import { HubError } from './errors.ts';
import { principal } from './auth/middleware.ts';

type Logger = (level: 'info' | 'warn' | 'error', message: string) => void;

/** How often the files are looked at for a change. */
const WATCH_INTERVAL_MS = 1000;

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(
      `listen.tls.${what}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}

/** The secure context of the files as they are now; throws naming the option when one is unreadable or they do not fit. */
export function secureContextOptions(t: TlsConfig): SecureContextOptions {
  const opts: SecureContextOptions = {
    cert: read(t.cert, 'cert'),
    key: read(t.key, 'key'),
    ...(t.client_ca ? { ca: read(t.client_ca, 'client_ca') } : {}),
    minVersion: 'TLSv1.2',
  };
  try {
    createSecureContext(opts);
  } catch (err) {
    throw new Error(`listen.tls: the certificate and key cannot be used together (${(err as Error).message})`);
  }
  return opts;
}

/** Options for https.createServer: the secure context plus whether client certificates are asked for or required. */
export function serverOptions(
  t: TlsConfig,
): SecureContextOptions & { requestCert: boolean; rejectUnauthorized: boolean } {
  return {
    ...secureContextOptions(t),
    requestCert: t.client_ca !== undefined,
    rejectUnauthorized: t.client_ca !== undefined && t.client_certs === 'require',
  };
}

/**
 * Reloads the server's certificate when its files change (or on SIGHUP). A change that cannot be used
 * (a key that does not fit, a half-written file) is logged and the running certificate kept. Returns
 * a function that stops watching.
 */
export function watchTls(server: HttpsServer, t: TlsConfig, log: Logger): () => void {
  const files = [t.cert, t.key, ...(t.client_ca ? [t.client_ca] : [])];
  const reload = (why: string) => {
    try {
      server.setSecureContext(secureContextOptions(t));
      log('info', `tls: certificate reloaded (${why})`);
    } catch (err) {
      log('error', `tls: kept the running certificate; ${(err as Error).message}`);
    }
  };
  const onChange = (path: string) => () => reload(`${path} changed`);
  const listeners = files.map((f) => {
    const l = onChange(f);
    watchFile(f, { interval: WATCH_INTERVAL_MS }, l);
    return [f, l] as const;
  });
  const onHup = () => reload('SIGHUP');
  process.on('SIGHUP', onHup);
  return () => {
    for (const [f, l] of listeners) unwatchFile(f, l);
    process.off('SIGHUP', onHup);
  };
}

/**
 * With a client CA configured, an agent or federate token is accepted only over a connection whose client
 * certificate the CA verified and whose subject CN names the token's holder: the center id for
 * `agent:<center>`, `federate:<code>` for a provincial hub. Other tokens need no certificate (unless the
 * server requires one of every connection).
 */
export function clientCertificate(t: TlsConfig | undefined): RequestHandler {
  return (req, res, next) => {
    if (!t?.client_ca) return next();
    const scope = principal(res).scope;
    const expected =
      scope.kind === 'agent' ? scope.center : scope.kind === 'federate' ? `federate:${scope.province}` : undefined;
    if (expected === undefined) return next();
    const socket = req.socket as TLSSocket;
    if (!socket.encrypted || !socket.authorized) {
      const presented = socket.encrypted && Object.keys(socket.getPeerCertificate()).length > 0;
      return next(
        new HubError(
          'DIMS_ERR_CLIENT_CERT_REQUIRED',
          `${scope.kind} tokens need a client certificate signed by the hub's client CA (${presented ? `the one presented was refused: ${String(socket.authorizationError)}` : 'none was presented'})`,
        ),
      );
    }
    const cn = socket.getPeerCertificate().subject?.CN;
    if (cn !== expected)
      return next(
        new HubError(
          'DIMS_ERR_CLIENT_CERT_MISMATCH',
          `the client certificate names ${JSON.stringify(cn ?? null)}, the token ${JSON.stringify(expected)}`,
          { certificate: cn ?? null, token: expected },
        ),
      );
    next();
  };
}
