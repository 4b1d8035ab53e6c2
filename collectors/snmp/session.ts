/**
 * @module One net-snmp session per target, and promise wrappers that honour the target's deadline.
 *
 * Why a deadline per target and not per request: Telegraf's timeout is per request, so retries × fields
 * × agents overrun the interval and one dead agent fails everyone (influxdata/telegraf#3823). Here the
 * AbortSignal bounds the whole collection; on abort every outstanding request is cancelled at once.
 */
import snmp from 'net-snmp';
import type { Session, Varbind } from 'net-snmp';
import { CollectError } from '../types.ts';
import { toCollectError } from './errors.ts';
import type { SnmpTargetConfig, SnmpValue } from './types.ts';

/** Resolved credentials (secrets already read). */
export interface SessionCredentials {
  community?: string;
  authKey?: string;
  privKey?: string;
}

/** A target's session plus the identity used in messages. */
export interface SnmpSession {
  readonly target: string;
  get(oids: string[], signal: AbortSignal): Promise<Varbind[]>;
  getBulk(oids: string[], maxRepetitions: number, signal: AbortSignal): Promise<Varbind[][]>;
  close(): void;
}

/** Opens a session (no packet is sent until the first request). */
export function openSession(config: SnmpTargetConfig, credentials: SessionCredentials): SnmpSession {
  const port = config.port ?? 161;
  const target = `${config.host}:${port}`;
  const common = {
    port,
    transport: 'udp4' as const,
    timeout: config.timeout_ms ?? 2000,
    retries: config.retries ?? 1,
    backoff: 1,
  };
  let session: Session;
  if (config.version === '3') {
    const v3 = config.v3!;
    session = snmp.createV3Session(
      config.host,
      {
        name: v3.user,
        level: snmp.SecurityLevel[v3.level],
        authProtocol: v3.auth_protocol ? snmp.AuthProtocols[v3.auth_protocol] : undefined,
        authKey: credentials.authKey,
        privProtocol: v3.priv_protocol ? snmp.PrivProtocols[v3.priv_protocol] : undefined,
        privKey: credentials.privKey,
      },
      { ...common, version: snmp.Version3 },
    );
  } else {
    const version = config.version === '1' ? snmp.Version1 : snmp.Version2c;
    session = snmp.createSession(config.host, credentials.community ?? 'public', { ...common, version });
  }
  // Socket errors would otherwise be thrown as an unhandled 'error' event and kill the agent.
  let socketError: Error | undefined;
  session.on('error', (error) => {
    socketError = error;
    session.cancelRequests(error);
  });

  function call<T>(
    what: string,
    signal: AbortSignal,
    start: (done: (error: Error | null, result?: T) => void) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const deadline = () =>
        new CollectError('timeout', `SNMP ${target}: ${what}: no answer within the target's deadline`);
      if (signal.aborted) return reject(deadline());
      if (socketError) return reject(toCollectError(socketError, target, what));
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        reject(deadline());
        // Frees the request slots now rather than after timeout × retries.
        session.cancelRequests(new Error('cancelled at deadline'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        start((error, result) => {
          signal.removeEventListener('abort', onAbort);
          if (settled) return;
          settled = true;
          if (error) reject(toCollectError(error, target, what));
          else resolve(result as T);
        });
      } catch (error) {
        signal.removeEventListener('abort', onAbort);
        settled = true;
        reject(toCollectError(error, target, what));
      }
    });
  }

  const what = (verb: string, oids: string[]) => `${verb} ${oids[0]}${oids.length > 1 ? ` (+${oids.length - 1})` : ''}`;
  const get = (oids: string[], signal: AbortSignal) =>
    call<Varbind[]>(what('GET', oids), signal, (done) => session.get(oids, done));
  const getNext = (oids: string[], signal: AbortSignal) =>
    call<Varbind[]>(what('GETNEXT', oids), signal, (done) => session.getNext(oids, done));
  if (config.version === '1') {
    return {
      target,
      get: (oids, signal) => v1EachOid(get, oids, signal, snmp.ObjectType.NoSuchObject),
      // v1 has no GETBULK: one GETNEXT per step gives one successor per column (endOfMibView at the end).
      getBulk: async (oids, _maxRepetitions, signal) =>
        (await v1EachOid(getNext, oids, signal, snmp.ObjectType.EndOfMibView)).map((vb) => [vb]),
      close: () => closeQuietly(session),
    };
  }
  return {
    target,
    get,
    getBulk: (oids, maxRepetitions, signal) =>
      call<Varbind[][]>(what('GETBULK', oids), signal, (done) =>
        // With nonRepeaters = 0 every element is the list of successors of the matching requested OID.
        session.getBulk(oids, 0, maxRepetitions, (error, varbinds) => done(error, varbinds as Varbind[][] | undefined)),
      ),
    close: () => closeQuietly(session),
  };
}

function closeQuietly(session: Session): void {
  try {
    session.close();
  } catch {
    // Already closed: nothing to release.
  }
}

/** A v1 noSuchName error-status: one of the OIDs does not exist (GET) or has no successor (GETNEXT). */
function isNoSuchName(error: unknown): boolean {
  const cause = error instanceof CollectError ? error.cause : error;
  return (cause as { status?: number } | undefined)?.status === snmp.ErrorStatus.NoSuchName;
}

/**
 * SNMPv1 fails a whole request with noSuchName when one OID is missing (RFC 1157 §4.1.2), where v2c answers
 * noSuchObject / endOfMibView per varbind. On noSuchName the OIDs are asked one by one and the missing ones get
 * the v2c exception, so the rest of the collector reads v1 like v2c.
 */
async function v1EachOid(
  request: (oids: string[], signal: AbortSignal) => Promise<Varbind[]>,
  oids: string[],
  signal: AbortSignal,
  missing: number,
): Promise<Varbind[]> {
  try {
    return await request(oids, signal);
  } catch (error) {
    if (!isNoSuchName(error)) throw error;
  }
  return Promise.all(
    oids.map((oid) =>
      request([oid], signal).then(
        ([vb]) => vb!,
        (error: unknown) => {
          if (!isNoSuchName(error)) throw error;
          return { oid, type: missing, value: null } as unknown as Varbind;
        },
      ),
    ),
  );
}

/** Normalises a varbind value: Counter64 buffers to numbers, OctetStrings to text. */
export function varbindValue(vb: Varbind): SnmpValue | undefined {
  const v: unknown = vb.value;
  if (vb.type === snmp.ObjectType.Counter64 && Buffer.isBuffer(v)) {
    let n = 0n;
    for (const byte of v) n = (n << 8n) | BigInt(byte);
    return Number(n);
  }
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return undefined;
}
