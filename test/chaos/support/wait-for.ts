/** Polls `check` every `everyMs` until it holds; resolves with the elapsed ms, rejects after `timeoutMs`. */
export async function timeUntil(
  check: () => boolean | Promise<boolean>,
  description: string,
  { timeoutMs = 30_000, everyMs = 10 } = {},
): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await check()) return performance.now() - start;
    if (performance.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms: ${description}`);
    await sleep(everyMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Awaits `work`, or rejects after `timeoutMs`: a query that never settles fails the scenario instead of hanging it. */
export async function settleWithin<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} still waiting for a query after ${timeoutMs} ms: it never settled`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
