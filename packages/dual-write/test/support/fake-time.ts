/** A clock that only moves when the code under test sleeps: backoff delays are recorded, never waited for. */
export function fakeTime(onSleep?: (ms: number, sleeps: readonly number[]) => void | Promise<void>) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    now += ms;
    await onSleep?.(ms, sleeps);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    sleeps,
    /** A `Clock` for the `clock` option. */
    clock: { now: () => now, sleep },
    advance(ms: number) {
      now += ms;
    },
    sleep,
  };
}
