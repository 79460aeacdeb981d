// A user's application on node-postgres (`drizzle-orm/node-postgres` over its own `pg.Pool`s), plain Node ESM on
// the packed tarballs, against real PostgreSQL (primary, one streaming replica, backup; URLs from the environment):
// the router (read on the replica, read-your-writes token), durable dual-write (outbox + drainer, advisory lock on a
// pooled pg session), syncBackup over COPY (pg-copy-streams) and checkDrift. Exit code 0 only if every check held.
// drizzle-orm 1.0's spelling (MULTIDB_CONSUMER_DRIZZLE=1.0.0-rc.5): `relations` from defineRelations, not `schema`.
import assert from 'node:assert/strict';
import { driverOf } from '@multidb/config';
import { dualWriterOf, ensureOutbox, withBackup } from '@multidb/dual-write';
import { createDbRouter } from '@multidb/router';
import { checkDrift, syncBackup } from '@multidb/sync';
import { defineRelations, eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import pg from 'pg';

const { PRIMARY_URL, REPLICA_URL, BACKUP_URL, FRESH_URL } = process.env;
assert.ok(PRIMARY_URL && REPLICA_URL && BACKUP_URL && FRESH_URL, 'database URLs in the environment');

const invoices = pgTable('invoices', {
  id: integer('id').primaryKey(),
  customer: text('customer').notNull(),
  cents: integer('cents').notNull(),
});
const schema = { invoices };
const relations = defineRelations(schema);
const DDL = 'create table invoices (id integer primary key, customer text not null, cents integer not null)';

const pools = [PRIMARY_URL, REPLICA_URL, BACKUP_URL, FRESH_URL].map(
  (connectionString) => new pg.Pool({ connectionString, max: 5 }),
);
const [primary, replica, backup, fresh] = pools.map((client) => drizzle({ client, relations }));
assert.equal(driverOf(primary).kind, 'pg', 'the app’s pg.Pool database is taken as node-postgres');

await primary.execute(sql.raw(DDL));
await backup.execute(sql.raw(DDL));
await fresh.execute(sql.raw(DDL));
await ensureOutbox(primary, { backup });

const router = createDbRouter({
  primary,
  replicas: [{ name: 'replica', db: replica }],
  relations,
  wrapWriteClients: (db) => withBackup(db, { backup, mode: 'durable', schema }),
});
await router.ready();

const write = router.getClient('write');
const rows = Array.from({ length: 200 }, (_, i) => ({ id: i + 1, customer: `c${i % 5}`, cents: 100 * i }));
const inserted = await write.insert(invoices).values(rows).returning({ id: invoices.id });
assert.equal(inserted.length, 200);
const updated = await write.update(invoices).set({ cents: 1 }).where(eq(invoices.id, 7));
assert.equal(updated.rowCount, 1, 'a write without returning() reports node-postgres’s own result');
await write.transaction(async (tx) => {
  await tx.delete(invoices).where(eq(invoices.id, 200));
  await tx.insert(invoices).values({ id: 201, customer: 'tx', cents: 5 });
});
const token = await router.consistencyToken();
assert.ok(token, 'a write issues a read-your-writes token');
const mine = await router.getClient('read', { token }).select().from(invoices).where(eq(invoices.id, 201));
assert.equal(mine.length, 1, 'read-your-writes: the token read sees the transaction');

await router.getClient('read').select().from(invoices).where(eq(invoices.customer, 'c1'));
assert.equal(router.getMetrics().routed.read.replica, 1, 'a plain read went to the replica');

const writer = dualWriterOf(write);
assert.ok(writer, 'write clients carry dual-write');
assert.equal(await writer.flush(30_000), true, 'the outbox drained to the backup');
const [count] = await backup.select({ n: sql`count(*)::int` }).from(invoices);
assert.equal(count?.n, 200, 'the backup received every write');

const drift = await checkDrift({
  source: primary,
  target: backup,
  tables: ['public.invoices'],
  recheckDelayMs: 0,
});
assert.ok(drift.isOk(), `checkDrift: ${drift.isErr() ? drift.error.message : ''}`);
assert.equal(drift.value.clean, true, 'primary and backup do not drift');

const copied = await syncBackup({ source: primary, target: fresh, tables: ['public.invoices'] });
assert.ok(copied.isOk(), `syncBackup: ${copied.isErr() ? copied.error.message : ''}`);
assert.equal(copied.value.ok, true);
const copyDrift = await checkDrift({
  source: primary,
  target: fresh,
  tables: ['public.invoices'],
  recheckDelayMs: 0,
});
assert.ok(copyDrift.isOk() && copyDrift.value.clean, 'the synced copy does not drift');

const routed = router.getMetrics().routed;
await writer.drain(10_000);
await router.close();
await Promise.all(pools.map((pool) => pool.end()));
console.log(JSON.stringify({ ok: true, routed, copied: copied.value.rowsRead }));
