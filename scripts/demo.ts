/**
 * `pnpm demo`: the toolkit on the embedded default (PGlite in ./.demo-data, reset on every run, no server).
 * This first version migrates PRIMARY and DATA in split mode, seeds the reference application and prints what
 * landed where.
 */
import { rmSync } from 'node:fs';
import { executeRows } from '@multidb/config';
import { seedSampleData, splitLayout } from '@multidb/example-app';
import { formatMigrationReport, migrate, openSplitClients } from '@multidb/split-schema';

const DATA_DIR = '.demo-data';
rmSync(DATA_DIR, { recursive: true, force: true });

const clients = await openSplitClients(splitLayout, {
  primaryUrl: `pglite:./${DATA_DIR}/primary`,
  dataUrl: `pglite:./${DATA_DIR}/data`,
  splitMode: true,
});
try {
  const report = await migrate(clients);
  console.log(formatMigrationReport(report));
  if (!report.ok) process.exit(1);
  const counts = await seedSampleData({ primary: clients.primary.db, data: clients.data.db });
  console.log('\nseeded:', counts);
  for (const side of ['primary', 'data'] as const) {
    const rows = await executeRows<{ schema: string; tables: number }>(
      clients[side].db,
      `select table_schema as schema, count(*)::int as tables from information_schema.tables
       where table_schema in ('config','customer','workspace','reference') group by 1 order by 1`,
    );
    console.log(
      `${side} (${clients[side].safeUrl}):`,
      rows.map((r) => `${r.schema} (${r.tables} tables)`).join(', '),
    );
  }
} finally {
  await clients.close();
}
