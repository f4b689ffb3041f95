/**
 * Time for the engine: the `clock` option of `KMSClient` and `kmsRequestHandler`, and
 * `VirtualClock`, a clock tests move by hand.
 *
 * Owns: turning any accepted clock into "epoch seconds now", the unit the engine's request context
 * carries. The engine never reads the host's time itself, so a virtual clock governs everything that
 * depends on time (creation dates, deletion windows, rotation schedules, import expiry).
 *
 * @module
 */

/** A clock: a function returning a `Date` or epoch milliseconds, or an object with such a `now()`. */
export type Clock = (() => Date | number) | { now(): Date | number };

/**
 * A clock that stands still until told to move. Pass it as `clock` to a client; every call then
 * happens at its current time.
 *
 * @example
 * ```ts
 * import { KMSClient, VirtualClock, ScheduleKeyDeletionCommand, DescribeKeyCommand } from "kms-wasm";
 *
 * const clock = new VirtualClock("2030-01-01T00:00:00Z");
 * const kms = new KMSClient({ region: "us-east-1", clock });
 * await kms.send(new ScheduleKeyDeletionCommand({ KeyId, PendingWindowInDays: 7 }));
 * clock.advance({ days: 7, seconds: 1 }); // the deletion window has passed
 * ```
 */
export class VirtualClock {
  #ms: number;

  /** @param start - the starting time (a `Date`, an ISO string or epoch milliseconds); default: the host's now. */
  constructor(start: Date | string | number = Date.now()) {
    this.#ms = toMillis(start, "VirtualClock: start");
  }

  /** The current virtual time. */
  now(): Date {
    return new Date(this.#ms);
  }

  /** Moves time forward (never backward: AWS time does not run backwards). Returns the new time. */
  advance(by: number | { days?: number; hours?: number; minutes?: number; seconds?: number; ms?: number }): Date {
    const ms = typeof by === "number"
      ? by
      : (by.days ?? 0) * 86_400_000 + (by.hours ?? 0) * 3_600_000 + (by.minutes ?? 0) * 60_000 + (by.seconds ?? 0) * 1000 + (by.ms ?? 0);
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("VirtualClock.advance: expected a non-negative duration");
    this.#ms += ms;
    return this.now();
  }

  /** Jumps to a time, which must not be earlier than the current one. Returns it. */
  set(to: Date | string | number): Date {
    const ms = toMillis(to, "VirtualClock.set");
    if (ms < this.#ms) throw new RangeError("VirtualClock.set: time cannot move backwards");
    this.#ms = ms;
    return this.now();
  }
}

function toMillis(t: Date | string | number, what: string): number {
  const ms = t instanceof Date ? t.getTime() : typeof t === "string" ? Date.parse(t) : t;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) throw new TypeError(`${what}: not a valid time`);
  return ms;
}

/**
 * A function reading `clock` as epoch seconds (the engine's unit), or a TypeError naming `where`.
 * @internal
 */
export function secondsReader(clock: unknown, where: string): () => number {
  const read =
    typeof clock === "function"
      ? (clock as () => Date | number)
      : clock !== null && typeof clock === "object" && typeof (clock as { now?: unknown }).now === "function"
        ? () => (clock as { now(): Date | number }).now()
        : undefined;
  if (!read) throw new TypeError(`${where}: clock must be a function or an object with now()`);
  return () => {
    const t = read();
    return (t instanceof Date ? t.getTime() : t) / 1000;
  };
}
