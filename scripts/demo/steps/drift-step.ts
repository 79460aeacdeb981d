import { clients } from '@multidb/example-app';
import { asc, eq, sql } from 'drizzle-orm';
import { type Claim, claim, type StepOutcome } from '../claims.js';
import { type DriftSummary, driftBetween } from '../drift-summary.js';
import type { StoryContext } from '../story-context.js';

export interface DriftFigures {
  /** `customer.clients` row changed with raw SQL on the backup. */
  readonly tamperedKey: string;
  readonly found: DriftSummary;
  readonly repair: DriftSummary;
  /** A separate check after the repair: the backup equals the primary. */
  readonly final: DriftSummary;
}

/**
 * A row changed behind the toolkit's back (raw SQL on the backup: no dual-write sees it) is found by the drift
 * check, repaired from the primary, and a new check finds the backup equal to the primary.
 */
export async function driftStep(ctx: StoryContext): Promise<StepOutcome<DriftFigures>> {
  const { env, narrator } = ctx;
  const backup = env.backup.handle.db;
  const [row] = await backup.select({ id: clients.id }).from(clients).orderBy(asc(clients.id)).limit(1);
  if (row === undefined) throw new Error('the backup has no clients to change');
  await backup.execute(
    sql`update customer.clients set name = 'changed on the backup by hand', updated_at = now() where id = ${row.id}`,
  );
  narrator.detail(`raw SQL on the backup: update customer.clients set name = '…' where id = '${row.id}'`);

  const found = await driftBetween(env.clients.primary, env.backup.handle, {});
  narrator.detail(
    `checkDrift: ${found.tables} tables compared in ${Math.round(found.ms)} ms; missing ${found.missing}, ` +
      `extra ${found.extra}, changed ${found.changed}: ${found.rows.join('; ')}`,
  );
  const repair = await driftBetween(env.clients.primary, env.backup.handle, { repair: true });
  narrator.detail(
    `checkDrift --repair: upserted ${repair.upserted}, deleted ${repair.deleted}, verified: ${repair.verified}`,
  );
  const final = await driftBetween(env.clients.primary, env.backup.handle, {});
  const [onPrimary] = await env.clients.primary.db
    .select({ name: clients.name })
    .from(clients)
    .where(eq(clients.id, row.id));
  const [onBackup] = await backup.select({ name: clients.name }).from(clients).where(eq(clients.id, row.id));
  narrator.detail(
    `checkDrift again: ${final.differences} differences; the row's name on the backup: "${onBackup?.name}"`,
  );

  const claims: Claim[] = [
    claim(
      'drift-found',
      "the drift check found exactly the row changed behind the toolkit's back",
      found.driftFound &&
        found.changed === 1 &&
        found.missing === 0 &&
        found.extra === 0 &&
        found.rows.some((r) => r.includes(row.id)),
      `missing ${found.missing}, extra ${found.extra}, changed ${found.changed}`,
    ),
    claim(
      'drift-repaired',
      'the repair fixed it from the primary and verified it',
      repair.repaired && repair.verified && onBackup?.name === onPrimary?.name,
      `upserted ${repair.upserted}, verified ${repair.verified}`,
    ),
    claim(
      'backup-equals-primary',
      'at the end the backup equals the primary (a fresh drift check: 0 differences)',
      final.clean && final.differences === 0 && final.error === undefined,
      `${final.differences} differences in ${final.tables} tables`,
    ),
  ];
  for (const c of claims) narrator.verdict(c.held, `${c.text} (${c.detail})`);
  return { figures: { tamperedKey: row.id, found, repair, final }, claims };
}
