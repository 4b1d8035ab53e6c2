/**
 * @module One BACnet/IP socket per local UDP port, shared by every target that reads from it.
 *
 * BACnet devices answer to the address and port a request came from, and @bacnet-js/client binds one
 * UDP socket per client, so the agent keeps one client per `local_port` and counts its users. Invoke ids
 * are 8-bit, so at most MAX_OUTSTANDING requests are in flight per socket; the rest wait their turn.
 */
import { createRequire } from 'node:module';
import type * as BacnetModule from '@bacnet-js/client';
import { CollectError } from '../types.ts';

/** @bacnet-js/client is CommonJS with its class as `default`; loading it through require keeps types and runtime in step. */
export const bacnet = createRequire(import.meta.url)('@bacnet-js/client') as typeof BacnetModule.default;

type Client = InstanceType<typeof bacnet.default>;

/** Below the 256 invoke ids, leaving room for requests that timed out here but not yet in the library. */
const MAX_OUTSTANDING = 200;

interface Shared {
  client: Client;
  users: number;
  active: number;
  waiting: Array<() => void>;
  failure?: Error;
}

const sockets = new Map<number, Shared>();

/** The present value (and units code, when asked) of one object, or the device's error for it. */
export interface ObjectReading {
  value?: unknown;
  units?: unknown;
  error?: string;
}

/** A request: one object and whether its units property is wanted too. */
export interface ObjectRequest {
  type: number;
  instance: number;
  units: boolean;
}

/** A target's handle on a shared socket. */
export interface Lease {
  /** ReadPropertyMultiple for `objects`; resolves one reading per object, in order. */
  readMultiple(
    address: string,
    objects: ObjectRequest[],
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<ObjectReading[]>;
  /** ReadProperty for one property of one object; resolves its first value. */
  readOne(
    address: string,
    type: number,
    instance: number,
    property: number,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<unknown>;
  release(): void;
}

/** Takes a share of the socket on `localPort`, opening it on first use. */
export function acquire(localPort: number): Lease {
  let s = sockets.get(localPort);
  if (s === undefined) {
    // apduTimeout bounds how long the library keeps an unanswered invoke id; our own deadline is shorter.
    const client = new bacnet.default({ port: localPort, apduTimeout: 10_000 });
    const created: Shared = { client, users: 0, active: 0, waiting: [] };
    client.on('error', (err: Error) => {
      created.failure = err;
      if (sockets.get(localPort) === created) sockets.delete(localPort);
    });
    sockets.set(localPort, (s = created));
  }
  const share = s;
  share.users++;
  let released = false;

  async function run<T>(what: string, timeoutMs: number, signal: AbortSignal, start: () => Promise<T>): Promise<T> {
    if (share.failure)
      throw new CollectError('connection', `BACnet socket on UDP ${localPort}: ${share.failure.message}`);
    if (share.active >= MAX_OUTSTANDING) await new Promise<void>((resolve) => share.waiting.push(resolve));
    share.active++;
    const request = start();
    request.catch(() => {}); // a late rejection after our deadline is not unhandled
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      return await Promise.race([
        request,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new CollectError('timeout', `${what}: no answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
          onAbort = () => reject(new CollectError('timeout', `${what}: deadline reached`));
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } catch (error) {
      if (error instanceof CollectError) throw error;
      const message = (error as Error).message;
      if (message === 'ERR_TIMEOUT') throw new CollectError('timeout', `${what}: no answer`);
      throw new CollectError('protocol', `${what}: ${bacnetMessage(message)}`, { cause: error });
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
      share.active--;
      share.waiting.shift()?.();
    }
  }

  return {
    async readMultiple(address, objects, timeoutMs, signal) {
      const PV = bacnet.PropertyIdentifier.PRESENT_VALUE;
      const UNITS = bacnet.PropertyIdentifier.UNITS;
      const spec = objects.map((o) => ({
        objectId: { type: o.type, instance: o.instance },
        properties: o.units
          ? [
              { id: PV, index: bacnet.ASN1_ARRAY_ALL },
              { id: UNITS, index: bacnet.ASN1_ARRAY_ALL },
            ]
          : [{ id: PV, index: bacnet.ASN1_ARRAY_ALL }],
      }));
      const what = `ReadPropertyMultiple ${address} (${objects.length} objects)`;
      const result = await run(what, timeoutMs, signal, () => share.client.readPropertyMultiple({ address }, spec));
      return objects.map((o) => {
        const entry = result.values.find((v) => v.objectId.type === o.type && v.objectId.instance === o.instance);
        if (!entry) return { error: 'not in the answer' };
        const reading: ObjectReading = {};
        for (const p of entry.values) {
          const first = (p.value as Array<{ type: number; value: unknown }>)[0];
          if (first?.type === bacnet.ApplicationTag.ERROR) {
            const e = first.value as { errorClass: number; errorCode: number };
            if (p.id === PV) reading.error = errorText(e.errorClass, e.errorCode);
          } else if (p.id === PV) reading.value = first?.value;
          else if (p.id === UNITS) reading.units = first?.value;
        }
        return reading;
      });
    },
    async readOne(address, type, instance, property, timeoutMs, signal) {
      const what = `ReadProperty ${address} ${type}:${instance} property ${property}`;
      const result = await run(what, timeoutMs, signal, () =>
        share.client.readProperty({ address }, { type, instance }, property),
      );
      return result.values[0]?.value;
    },
    release() {
      if (released) return;
      released = true;
      if (--share.users === 0) {
        if (sockets.get(localPort) === share) sockets.delete(localPort);
        share.client.close();
      }
    },
  };
}

/** `unknown-object (object/31)` from an error class and code. */
export function errorText(errorClass: number, errorCode: number): string {
  const code = bacnet.ErrorCode[errorCode]?.toLowerCase().replaceAll('_', '-') ?? 'error';
  const cls = bacnet.ErrorClass[errorClass]?.toLowerCase() ?? String(errorClass);
  return `${code} (${cls}/${errorCode})`;
}

/** `BacnetError - Class:1 - Code:31` → `unknown-object (object/31)`; other messages unchanged. */
export function bacnetMessage(message: string): string {
  const m = /Class:(\d+) - Code:(\d+)/.exec(message);
  return m ? errorText(Number(m[1]), Number(m[2])) : message;
}
