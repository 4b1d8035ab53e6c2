/**
 * @module Write coalescing for InfluxDB: bodies of line protocol that arrive while the store is busy
 * are joined into one request of up to 5,000 points, with at most `maxInFlight` requests at a time.
 *
 * InfluxDB spends a large fixed cost on every /write request: on a two-core host its CPU per point
 * at 1,000-point requests was about twice that at 5,000. Agents push a few records each, and even
 * a provincial hub's 1,000-record batches are well below the size InfluxData recommends; writing
 * each push as it came would spend InfluxDB's CPU on requests rather than points. Each caller's
 * promise settles with the request that carried its body, so nothing is acknowledged before it is
 * stored. Bodies of a request are joined in arrival order; a later body wins where two name the
 * same point, as two requests in that order would.
 *
 * With nothing in flight a body goes at once, however small, so a lone push is never held back. A
 * second request in flight waits until it carries `minExtraPoints` (or the first returns): otherwise
 * a steady stream of 1,000-point pushes keeps both slots busy with 1,000-point requests and nothing
 * is ever joined. Four 1,000-point requests in flight cost InfluxDB about twice the CPU per point of
 * two 2,000-point ones.
 */

interface Waiting {
  body: Buffer;
  points: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const NEWLINE = Buffer.from('\n');

export class WriteQueue {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;
  private readonly send: (body: Buffer) => Promise<void>;
  private readonly maxPoints: number;
  private readonly maxInFlight: number;
  private readonly minExtraPoints: number;
  /** Points of the waiting bodies. */
  private waitingPoints = 0;

  /**
   * @param send posts one body (throws what the caller should see: unavailable, bad input, …)
   * @param maxPoints points per request; a single body larger than this still goes alone
   * @param maxInFlight requests at a time
   * @param minExtraPoints points a request needs to go while another is in flight (capped at maxPoints)
   */
  constructor(send: (body: Buffer) => Promise<void>, maxPoints: number, maxInFlight: number, minExtraPoints = 0) {
    this.send = send;
    this.maxPoints = maxPoints;
    this.maxInFlight = maxInFlight;
    this.minExtraPoints = Math.min(minExtraPoints, maxPoints);
  }

  /** Resolves once a request that carried `body` (holding `points` lines) was stored. */
  write(body: Buffer, points: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ body, points, resolve, reject });
      this.waitingPoints += points;
      this.pump();
    });
  }

  /** Bodies waiting for a request (not counting those in flight). */
  get depth(): number {
    return this.waiting.length;
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      if (this.inFlight > 0 && this.waitingPoints < this.minExtraPoints) return;
      const group = [this.waiting.shift()!];
      let points = group[0]!.points;
      while (this.waiting.length > 0 && points + this.waiting[0]!.points <= this.maxPoints) {
        const next = this.waiting.shift()!;
        group.push(next);
        points += next.points;
      }
      this.waitingPoints -= points;
      const body =
        group.length === 1
          ? group[0]!.body
          : Buffer.concat(group.flatMap((g, i) => (i === 0 ? [g.body] : [NEWLINE, g.body])));
      this.inFlight++;
      this.send(body)
        .then(
          () => {
            for (const g of group) g.resolve();
          },
          (err: unknown) => {
            for (const g of group) g.reject(err);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
