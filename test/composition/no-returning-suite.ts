import type { DbHandle } from '@multidb/config';
import { createDualWriter, type DualWriter, ensureOutbox } from '@multidb/dual-write';
import { createDbRouter, type DbRouter } from '@multidb/router';
import { relationalQueryOptions } from '@multidb/testing';
import { eq, gt } from 'drizzle-orm';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const counted = pgTable('counted', { id: integer('id').primaryKey(), label: text('label') });
const schema = { counted };

/**
 * A write without `returning()` through router + dual-write runs with the capture's own RETURNING on the primary,
 * behind the router's session: its result must still be the primary driver's raw result (affected-row counts
 * included), exactly as the same statement gives on the primary's own Drizzle database.
 */
export function describeNoReturningThroughRouter(
  driver: string,
  open: () => Promise<readonly [primary: DbHandle, backup: DbHandle]>,
  mode: 'memory' | 'durable' = 'memory',
): void {
  describe(`router + dual-write (${mode}), a write without returning() on ${driver}`, () => {
    let primary: DbHandle;
    let backup: DbHandle;
    let writer: DualWriter;
    let router: DbRouter<typeof schema>;

    beforeAll(async () => {
      [primary, backup] = await open();
      const ddl = 'drop table if exists counted; create table counted (id int primary key, label text)';
      await Promise.all([primary.exec(ddl), backup.exec(ddl)]);
      if (mode === 'durable') await ensureOutbox(primary.db, { backup: backup.db });
      writer = createDualWriter({ backup: backup.db, primary: primary.db, schema, mode });
      router = createDbRouter({
        primary: primary.db as never,
        replicas: [],
        ...relationalQueryOptions(schema),
        health: { background: false },
        wrapWriteClients: (db) => writer.wrap(db),
      }) as unknown as DbRouter<typeof schema>;
    });
    afterAll(async () => {
      await router?.close();
      await writer?.drain?.();
      await Promise.all([primary?.close(), backup?.close()]);
    });

    it('reports the affected rows in the shape the primary driver gives', async () => {
      const write = router.getClient('write');
      const routedInsert = await write.insert(counted).values([
        { id: 1, label: 'a' },
        { id: 2, label: 'b' },
      ]);
      const plainInsert = await primary.db.insert(counted).values([
        { id: 11, label: 'a' },
        { id: 12, label: 'b' },
      ]);
      expect(comparable(routedInsert)).toEqual(comparable(plainInsert));
      expect(affected(routedInsert)).toBe(2);

      const routedUpdate = await write.update(counted).set({ label: 'z' }).where(gt(counted.id, 0));
      expect(affected(routedUpdate)).toBe(4);
      const plainUpdate = await primary.db.update(counted).set({ label: 'y' }).where(gt(counted.id, 10));
      expect(comparable({ ...asObject(routedUpdate), n: 2 })).toEqual(
        comparable({ ...asObject(plainUpdate), n: 2 }),
      );

      const inTransaction = await router.withTransaction((tx) => tx.delete(counted).where(eq(counted.id, 1)));
      expect(affected(inTransaction)).toBe(1);
      const routedDelete = await write.delete(counted).where(gt(counted.id, 10));
      expect(affected(routedDelete)).toBe(2);
      expect(await writer.flush(20_000)).toBe(true);
      const onBackup = await backup.db.select().from(counted).orderBy(counted.id);
      expect(onBackup).toEqual([{ id: 2, label: 'z' }]);
    });
  });
}

/** The affected-row count, wherever the driver puts it. */
function affected(result: unknown): number {
  const r = result as { count?: number; rowCount?: number; affectedRows?: number };
  return Number(r.affectedRows ?? r.rowCount ?? r.count);
}

function asObject(result: unknown): Record<string, unknown> {
  return comparable(result) as Record<string, unknown>;
}

/** The parts of a raw result a caller reads (class instances and counts aside). */
function comparable(result: unknown): unknown {
  if (Array.isArray(result)) {
    const r = result as unknown[] & { command?: unknown; columns?: unknown; count?: unknown };
    return { rows: [...r], command: r.command, columns: r.columns, hasCount: 'count' in r };
  }
  const r = result as Record<string, unknown>;
  const keys = ['rows', 'fields', 'command', 'oid'];
  return {
    ...Object.fromEntries(keys.filter((k) => k in r).map((k) => [k, r[k]])),
    hasRowCount: 'rowCount' in r,
    hasAffectedRows: 'affectedRows' in r,
  };
}
