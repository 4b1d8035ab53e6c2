/** @module A counting semaphore whose waiters give up when their deadline's AbortSignal fires. */

export class Semaphore {
  private free: number;
  private readonly waiters: Array<{
    resolve: () => void;
    reject: (e: unknown) => void;
    signal: AbortSignal;
    onAbort: () => void;
  }> = [];

  constructor(size: number) {
    this.free = size;
  }

  /** Waits for a slot; rejects with the signal's reason if it aborts first. */
  acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const w = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.waiters.indexOf(w);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', w.onAbort, { once: true });
      this.waiters.push(w);
    });
  }

  release(): void {
    const w = this.waiters.shift();
    if (w) {
      w.signal.removeEventListener('abort', w.onAbort);
      w.resolve();
    } else this.free++;
  }

  get waiting(): number {
    return this.waiters.length;
  }
}
