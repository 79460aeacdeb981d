// An app on postgres.js only (no PGlite installed): router + dual-write + config type-check against the packed
// .d.ts with skipLibCheck false, so no declaration of ours may need @electric-sql/pglite's types. drizzle-orm 1.0's
// spelling (MULTIDB_CONSUMER_DRIZZLE=1.0.0-rc.5): `relations` from defineRelations, not `schema`.
import { connect, type DbHandle, isMultiDbError } from '@multidb/config';
import { createDualWriter, withBackup } from '@multidb/dual-write';
import { createDbRouter } from '@multidb/router';
import { defineRelations } from 'drizzle-orm';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';

const invoices = pgTable('invoices', {
  id: integer('id').primaryKey(),
  customer: text('customer').notNull(),
});
const schema = { invoices };
const relations = defineRelations(schema);

export async function main(primaryUrl: string, backupUrl: string): Promise<number> {
  const backup: DbHandle = await connect(backupUrl, { relations });
  const writer = createDualWriter({ backup: backup.db, schema });
  const router = createDbRouter({
    primary: primaryUrl,
    relations,
    wrapWriteClients: (db) => withBackup(db, { writer }),
  });
  try {
    await router.getClient('write').insert(invoices).values({ id: 1, customer: 'a' });
    return (await router.getClient('read').select().from(invoices)).length;
  } catch (error) {
    return isMultiDbError(error, 'PrimaryUnavailable') ? -1 : -2;
  } finally {
    await router.close();
    await writer.drain(1000);
    await backup.close();
  }
}
