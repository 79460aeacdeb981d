export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const now = (): number => performance.now();

/**
 * Polls `condition` until it holds or `timeoutMs` passes. Returns how long it took (ms), or `undefined` on a
 * timeout: the caller turns that into a claim that did not hold, never into a hang.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: { readonly timeoutMs: number; readonly intervalMs?: number },
): Promise<number | undefined> {
  const started = now();
  for (;;) {
    if (await condition()) return now() - started;
    if (now() - started > options.timeoutMs) return undefined;
    await sleep(options.intervalMs ?? 20);
  }
}

export const seconds = (ms: number | undefined): string =>
  ms === undefined ? 'never' : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
