/**
 * @module One Modbus TCP connection per target: connects lazily, reconnects after a dropped socket,
 * retries "server device busy" within the deadline, and abandons everything at the target's deadline.
 *
 * Why the connection is discarded after a timeout: modbus-serial leaves a timed-out transaction's socket
 * in an unknown state, and TCP gateways drop the socket after an RTU timeout anyway
 * (yaacov/node-modbus-serial#251); a fresh connection is the only safe continuation.
 */
import modbus from 'modbus-serial';
import { CollectError } from '../types.ts';
import { exceptionCode, toCollectError } from './errors.ts';
import type { RegisterKind } from './types.ts';

type Client = InstanceType<typeof modbus.default>;

/** Connection settings. */
export interface ConnectionOptions {
  host: string;
  port: number;
  unitId: number;
  timeoutMs: number;
  busyRetries: number;
  busyRetryWaitMs: number;
}

const hex = (n: number) => `0x${n.toString(16).padStart(4, '0').toUpperCase()}`;

/** Settles with `promise`, or rejects with the deadline error when `signal` aborts first. */
function untilDeadline<T>(promise: Promise<T>, signal: AbortSignal, onAbort: () => CollectError): Promise<T> {
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(e);
      },
    );
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** A target's connection. */
export class ModbusConnection {
  readonly target: string;
  #options: ConnectionOptions;
  #client: Client | undefined;
  /** Connections opened so far (1 + reconnects), for self-metrics and tests. */
  connects = 0;

  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.target = `${options.host}:${options.port} unit ${options.unitId}`;
  }

  /** Reads `count` registers at `address`; CollectError on failure, naming register and exception. */
  async read(register: RegisterKind, address: number, count: number, signal: AbortSignal): Promise<number[]> {
    const what = `${register} registers ${hex(address)}+${count}`;
    const deadline = () => {
      // The pending transaction can no longer be trusted: drop the socket, reconnect next time.
      this.#discard();
      return new CollectError('timeout', `Modbus ${this.target}: ${what}: no answer within the target's deadline`);
    };
    let busy = 0;
    let reconnected = false;
    for (;;) {
      const reused = this.#client?.isOpen === true;
      try {
        const client = await untilDeadline(this.#connect(), signal, deadline);
        const op =
          register === 'input'
            ? client.readInputRegisters(address, count)
            : client.readHoldingRegisters(address, count);
        const result = await untilDeadline(op, signal, deadline);
        return result.data;
      } catch (error) {
        if (error instanceof CollectError) throw error;
        const code = exceptionCode(error);
        if (code === 6 && busy < this.#options.busyRetries && !signal.aborted) {
          // Exception 6: the device is alive but busy; ask again shortly (telegraf busy_retries, PR #7271).
          busy += 1;
          await sleep(this.#options.busyRetryWaitMs, signal);
          if (signal.aborted) throw deadline();
          continue;
        }
        if (code === undefined) {
          this.#discard();
          // A socket the peer closed while idle fails on first use: reconnect once and retry.
          // A timeout is not retried: the device is slow or gone, and the deadline is better spent elsewhere.
          const timedOut = (error as { errno?: string } | null)?.errno === 'ETIMEDOUT';
          if (reused && !reconnected && !timedOut && !signal.aborted) {
            reconnected = true;
            continue;
          }
        }
        const e = toCollectError(error, this.target, what);
        if (code === 6) throw new CollectError('protocol', `${e.message} after ${busy} busy retries`, { cause: error });
        throw e;
      }
    }
  }

  async #connect(): Promise<Client> {
    if (this.#client?.isOpen) return this.#client;
    this.#discard();
    const client = new modbus.default();
    this.#client = client;
    this.connects += 1;
    // Errors on an idle socket would otherwise surface as unhandled 'error' events.
    client.on('error', () => this.#discard());
    client.on('close', () => {
      if (this.#client === client) this.#client = undefined;
    });
    client.setTimeout(this.#options.timeoutMs);
    try {
      await client.connectTCP(this.#options.host, {
        port: this.#options.port,
        timeout: this.#options.timeoutMs,
      } as Parameters<Client['connectTCP']>[1]);
    } catch (error) {
      this.#discard();
      throw error;
    }
    client.setID(this.#options.unitId);
    return client;
  }

  #discard(): void {
    const c = this.#client;
    this.#client = undefined;
    if (c) {
      try {
        c.destroy(() => undefined);
      } catch {
        // Already closed.
      }
    }
  }

  /** Closes the socket. */
  close(): void {
    this.#discard();
  }
}
