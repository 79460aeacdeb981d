import type { PGlite } from '@electric-sql/pglite';

/**
 * Holds PGlite's single connection in an open transaction: every backup apply waits behind it, so rows pile up
 * in the queue exactly as they would while a real backup is slow. Returns the release function.
 */
export async function blockPglite(pg: PGlite): Promise<() => Promise<void>> {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    started = resolve;
  });
  const done = pg.transaction(async () => {
    started();
    await gate;
  });
  await ready;
  return async () => {
    release();
    await done;
  };
}
