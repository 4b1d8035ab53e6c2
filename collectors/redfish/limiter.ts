/** @module A counting semaphore: at most N requests in flight to one BMC (slow BMCs fall over under parallel load). */

/** Runs async tasks with at most `limit` running at once, FIFO. */
export class Limiter {
  readonly limit: number;
  #running = 0;
  readonly #queue: Array<() => void> = [];

  constructor(limit: number) {
    this.limit = Math.max(1, limit);
  }

  /** Runs `task` when a slot is free; a queued task whose signal aborts leaves the queue at once. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.#running >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const go = (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = (): void => {
          const i = this.#queue.indexOf(go);
          if (i >= 0) this.#queue.splice(i, 1);
          reject(signal?.reason);
        };
        if (signal?.aborted === true) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.#queue.push(go);
      });
    }
    this.#running++;
    try {
      return await task();
    } finally {
      this.#running--;
      this.#queue.shift()?.();
    }
  }

  /** Requests running now (for tests). */
  get running(): number {
    return this.#running;
  }
}
