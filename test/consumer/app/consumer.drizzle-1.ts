// A user's TypeScript, type-checked against the packed .d.ts with strict flags (skipLibCheck false), in
// drizzle-orm 1.0's spelling (MULTIDB_CONSUMER_DRIZZLE=1.0.0-rc.5): `relations` from defineRelations, not `schema`;
// relational queries v2 (`where` as an object).
import { PGlite } from '@electric-sql/pglite';
import { MemoryCache } from '@multidb/cache';
import { runMultidb } from '@multidb/cli';
import { connect, type DbHandle, loadConfig, MultiDbError } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { type DualWriteMetrics, dualWriterOf, withBackup } from '@multidb/dual-write';
import { createDbRouter, type RouterMetricsSnapshot } from '@multidb/router';
import { prometheusMetrics } from '@multidb/router/prometheus';
import { defineSplitSchema } from '@multidb/split-schema';
import { checkDrift, type DriftReport, syncBackup } from '@multidb/sync';
import { createDbMiddleware } from '@multidb/trpc';
import { defineRelations, eq } from 'drizzle-orm';
import { integer, pgSchema, pgTable, text } from 'drizzle-orm/pg-core';

const invoices = pgTable('invoices', {
  id: integer('id').primaryKey(),
  customer: text('customer').notNull(),
});
const schema = { invoices };
const relations = defineRelations(schema);

export async function main(): Promise<number> {
  const topology = loadConfig();
  if (topology.isErr()) return 2;
  const primary: DbHandle = await connect(topology.value.primaryUrl, {
    relations,
    cache: new MemoryCache(),
  });
  const backup = fromPglite(new PGlite(), { relations });
  // A DbHandle carries no relations type on 1.0: name them (a Drizzle database as primary infers them).
  const router = createDbRouter<typeof relations>({
    primary,
    relations,
    wrapWriteClients: (db) => withBackup(db, { backup: backup.db, schema }),
  });
  const found: { id: number; customer: string }[] = await router
    .getClient('read')
    .select()
    .from(invoices)
    .where(eq(invoices.id, 1));
  const byQuery: { id: number; customer: string } | undefined = await router
    .getClient('read')
    .query.invoices.findFirst({ where: { id: 1 } });
  const metrics: DualWriteMetrics | undefined = dualWriterOf(router.getClient('write'))?.metrics();
  const snapshot: RouterMetricsSnapshot = router.getMetrics();
  const text: string = await prometheusMetrics(router).text();
  const drift = await checkDrift({ source: primary, target: backup });
  const report: DriftReport | undefined = drift.isOk() ? drift.value : undefined;
  const copied = await syncBackup({ source: primary, target: backup });
  const layout = defineSplitSchema({
    primary: { schemas: ['billing'] },
    data: { schemas: ['archive'] },
    tables: { billing: pgSchema('billing'), archive: pgSchema('archive') },
  });
  const middleware = createDbMiddleware(router);
  const code: number = await runMultidb(['--version'], {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
  await router.close();
  void [found, byQuery, metrics, snapshot, text, report, copied, layout, middleware, MultiDbError];
  return code;
}
