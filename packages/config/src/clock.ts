/**
 * Time as the packages read it, injectable so tests control it (fake clocks that jump instead of waiting).
 * Router and dual-write take a `clock` option of this shape; anything left out comes from `systemClock`.
 */
export interface Clock {
  /** Milliseconds since the epoch (fractions welcome): timestamps, latencies, deadlines. */
  now(): number;
  /** Resolves after `ms` (at once for 0 or less); its timer never keeps the process alive. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = Object.freeze({
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms: number) =>
    new Promise<void>((resolve) => {
      setTimeout(resolve, Math.max(0, ms)).unref?.();
    }),
});

/** The clock to use: the caller's methods, `systemClock` for the rest (settled once, frozen). */
export function settleClock(clock: Partial<Clock> | undefined): Clock {
  if (clock === undefined) return systemClock;
  const now = clock.now ?? systemClock.now;
  const sleep = clock.sleep ?? systemClock.sleep;
  return Object.freeze({ now: () => now.call(clock), sleep: (ms: number) => sleep.call(clock, ms) });
}
