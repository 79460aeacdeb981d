import { type AnyPgDatabase, executeRows } from '@multidb/config';
import { type SampleDataCounts, seedSampleData } from '@multidb/example-app';
import type { MigrationReport } from '@multidb/split-schema';
import { type Claim, claim, type StepOutcome } from '../claims.js';
import type { DemoApp } from '../demo-app.js';
import type { DemoEnvironment } from '../environment.js';
import type { Narrator } from '../narrator.js';

export interface DatabaseFigures {
  readonly name: string;
  /** Credentials removed. */
  readonly url: string;
  /** Application schema → its tables. */
  readonly schemas: Record<string, number>;
}

export interface SetupFigures {
  readonly environment: string;
  readonly databases: readonly DatabaseFigures[];
  readonly replicas: readonly { name: string; intents: readonly string[]; role: string }[];
  readonly migrationsApplied: number;
  readonly seeded: SampleDataCounts;
}

const APP_SCHEMAS = ['config', 'customer', 'workspace', 'reference'];

/** Realistic but small: the story, not the volume, is the point (`pnpm bench` measures volume). */
const SEED = { organizations: 12, usersPerOrganization: 4, clientsPerOrganization: 25, invoicesPerClient: 3 };

async function schemasOf(db: AnyPgDatabase): Promise<Record<string, number>> {
  const rows = await executeRows<{ schema: string; tables: number }>(
    db,
    `select table_schema as schema, count(*)::int as tables from information_schema.tables
     where table_schema in (${APP_SCHEMAS.map((s) => `'${s}'`).join(', ')}) group by 1 order by 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.schema, r.tables]));
}

const applied = (report: MigrationReport) =>
  report.databases.flatMap((d) => d.steps).filter((s) => s.outcome === 'applied').length;

/**
 * Migrations (split PRIMARY + DATA, and the backup as a mirror of PRIMARY), then seed data written through the
 * router's write client (so dual-write copies it to the backup and the replicas receive it), then what landed where.
 */
export async function setupStep(
  env: DemoEnvironment,
  app: DemoApp,
  narrator: Narrator,
): Promise<StepOutcome<SetupFigures>> {
  narrator.detail(env.description);
  const migrated = [
    ...env.migrations.split.databases.map((d) => ({
      ...d,
      label: d.database === 'data' ? 'DATA' : 'PRIMARY',
    })),
    // The backup is migrated with PRIMARY's migrations; its report names it by the handle used to migrate.
    ...env.migrations.backup.databases.map((d) => ({
      ...d,
      label: 'backup',
      url: env.backup.handle.safeUrl,
    })),
  ];
  for (const d of migrated) {
    const tags = d.steps.map((s) => `${s.tag} ${s.outcome}`).join(', ');
    narrator.detail(`migrate ${d.label} (${d.url}, ${d.migrationsTable}): ${d.outcome}, ${tags}`);
  }
  const seeded = await seedSampleData(
    { primary: app.router.getClient('write'), data: env.clients.data.db },
    SEED,
  );
  await app.writer.flush(30_000);
  const databases: DatabaseFigures[] = [
    { name: 'PRIMARY', url: env.clients.primary.safeUrl, schemas: await schemasOf(env.clients.primary.db) },
    { name: 'DATA', url: env.clients.data.safeUrl, schemas: await schemasOf(env.clients.data.db) },
    { name: 'backup', url: env.backup.handle.safeUrl, schemas: await schemasOf(env.backup.handle.db) },
  ];
  for (const d of databases) {
    const schemas = Object.entries(d.schemas).map(([s, n]) => `${s} (${n} tables)`);
    narrator.detail(`${d.name.padEnd(7)} ${d.url}: ${schemas.join(', ')}`);
  }
  const replicas = env.replicas.map((r) => ({
    name: r.spec.name,
    intents: r.spec.intents ?? ['read', 'analytics', 'background'],
    role: r.spec.role ?? 'replica',
  }));
  narrator.detail(
    `replicas: ${replicas.map((r) => `${r.name} (${r.role === 'dr' ? 'disaster recovery' : r.intents.join(' + ')})`).join(', ')}`,
  );
  narrator.detail(
    `seeded through the router's write client (dual-write → backup): ${seeded.organizations} organizations, ` +
      `${seeded.users} users, ${seeded.clients} clients in PRIMARY; ${seeded.invoices} invoices, ` +
      `${seeded.auditLog} audit entries, reference data in DATA`,
  );

  const names = (d: DatabaseFigures) => Object.keys(d.schemas).join(',');
  const [primary, data, backup] = databases as [DatabaseFigures, DatabaseFigures, DatabaseFigures];
  const claims: Claim[] = [
    claim(
      'migrations-applied',
      'PRIMARY, DATA and the backup are migrated, each from its own migrations folder',
      env.migrations.split.ok && env.migrations.backup.ok,
      `${applied(env.migrations.split) + applied(env.migrations.backup)} migrations applied`,
    ),
    claim(
      'split-layout',
      'config + customer live in PRIMARY, workspace + reference in DATA; the backup mirrors PRIMARY',
      names(primary) === 'config,customer' &&
        names(data) === 'reference,workspace' &&
        names(backup) === names(primary),
      databases.map((d) => `${d.name}: ${names(d)}`).join('; '),
    ),
  ];
  for (const c of claims) narrator.verdict(c.held, `${c.text} (${c.detail})`);
  return {
    figures: {
      environment: env.description,
      databases,
      replicas,
      migrationsApplied: applied(env.migrations.split) + applied(env.migrations.backup),
      seeded,
    },
    claims,
  };
}
