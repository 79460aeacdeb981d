import type { PGlite } from '@electric-sql/pglite';
import type { AnyPgDatabase } from '@multidb/config';
import { sql } from 'drizzle-orm';

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

/**
 * Holds an ACCESS EXCLUSIVE lock on one table of `db` in an open transaction, on any driver: on real PostgreSQL
 * every backup statement touching that table waits behind it; on PGlite (one connection) every statement does.
 * Returns the release function.
 */
export async function holdTableLock(db: AnyPgDatabase, table: string): Promise<() => Promise<void>> {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const done = db.transaction(async (tx) => {
    await tx.execute(sql.raw(`lock table ${table} in access exclusive mode`));
    locked();
    await gate;
  });
  await Promise.race([ready, done]);
  return async () => {
    release();
    await done;
  };
}
