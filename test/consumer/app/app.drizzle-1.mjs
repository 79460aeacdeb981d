// A user's application, plain Node ESM, on the packed tarballs: router + dual-write + sync + drift on PGlite.
// drizzle-orm 1.0's spelling (the consumer test's MULTIDB_CONSUMER_DRIZZLE=1.0.0-rc.5): `relations` from
// defineRelations instead of `schema`, `PgAsyncDatabase` instead of `PgDatabase`.
// Exit code 0 only if every check held. Leaves ./data/primary and ./data/backup for `npx multidb drift`.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { connect, MultiDbError } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { dualWriterOf, withBackup } from '@multidb/dual-write';
import { createDbRouter } from '@multidb/router';
import { checkDrift, syncBackup } from '@multidb/sync';
import { createMirrorReplica } from '@multidb/testing';
import { defineRelations, eq, is, sql } from 'drizzle-orm';
import { integer, PgAsyncDatabase, pgTable, text } from 'drizzle-orm/pg-core';

const invoices = pgTable('invoices', {
  id: integer('id').primaryKey(),
  customer: text('customer').notNull(),
  cents: integer('cents').notNull(),
});
const schema = { invoices };
const relations = defineRelations(schema);
const DDL = 'create table invoices (id integer primary key, customer text not null, cents integer not null)';

await rm('./data', { recursive: true, force: true });
const primary = await connect('pglite:./data/primary', { relations });
const backup = await connect('pglite:./data/backup', { relations });
await primary.exec(DDL);
await backup.exec(DDL);

// A replica that is the primary itself (@multidb/testing's mirror), as a user's tests would do.
assert.ok(primary.pglite instanceof PGlite, 'connect(pglite:) exposes the PGlite instance');
const mirror = createMirrorReplica(primary.pglite, { name: 'mirror', relations });

const router = createDbRouter({
  primary,
  replicas: [{ name: 'mirror', db: mirror.db, positionSource: mirror.positionSource }],
  relations,
  health: { background: false },
  wrapWriteClients: (db) => withBackup(db, { backup: backup.db, schema }),
});
await router.checkHealth();

const write = router.getClient('write');
assert.ok(is(write, PgAsyncDatabase), 'getClient returns a Drizzle PgAsyncDatabase (one drizzle-orm)');
assert.ok(write instanceof PgAsyncDatabase, 'instanceof the app’s own PgAsyncDatabase class');
const rows = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, customer: `c${i % 5}`, cents: 100 * i }));
await write.insert(invoices).values(rows);
await write.update(invoices).set({ cents: 1 }).where(eq(invoices.id, 7));
await write.delete(invoices).where(eq(invoices.id, 50));
const writer = dualWriterOf(write);
assert.ok(writer !== undefined, 'write clients carry dual-write');
assert.equal(await writer.flush(10_000), true, 'backup queue flushed');

const read = await router.getClient('read').select().from(invoices).where(eq(invoices.customer, 'c2'));
assert.equal(read.length, 10);
const [count] = await backup.db.select({ n: sql`count(*)::int` }).from(invoices);
assert.equal(count?.n, 49, 'backup received every write');
const metrics = router.getMetrics();
assert.equal(metrics.routed.read?.mirror, 1, 'the read went to the replica');
// Relational queries v2 through the router (the object form of `where`).
const byQuery = await router.getClient('read').query.invoices.findMany({ where: { customer: 'c3' } });
assert.equal(byQuery.length, 10, 'db.query with relations v2 through the router');

// A fresh target filled by syncBackup, then compared with checkDrift.
const fresh = fromPglite(new PGlite(), { name: 'fresh' });
await fresh.exec(DDL);
const copied = await syncBackup({ source: primary, target: fresh });
assert.ok(copied.isOk(), `syncBackup: ${copied.isErr() ? copied.error.message : ''}`);
assert.equal(copied.value.ok, true);
const copyDrift = await checkDrift({ source: primary, target: fresh, recheckDelayMs: 0 });
assert.ok(copyDrift.isOk() && copyDrift.value.clean, 'the synced copy does not drift');
const drift = await checkDrift({ source: primary, target: backup, recheckDelayMs: 0 });
assert.ok(drift.isOk(), `checkDrift: ${drift.isErr() ? drift.error.message : ''}`);
assert.equal(drift.value.clean, true, 'primary and backup do not drift');

// A driver the app did not install is a typed error naming the package (postgres is not installed here).
const missing = await connect('postgres://app:secret@127.0.0.1:1/app').catch((error) => error);
assert.ok(missing instanceof MultiDbError, 'missing driver is a MultiDbError');
assert.equal(missing.code, 'DriverMissing');
assert.match(missing.message, /npm i postgres/);
assert.doesNotMatch(missing.message, /secret/);

await router.close();
await mirror.close();
await Promise.all([primary.close(), backup.close(), fresh.close()]);
console.log(JSON.stringify({ ok: true, routed: metrics.routed, copied: copied.value.tables.length }));
