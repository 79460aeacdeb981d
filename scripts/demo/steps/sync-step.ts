import { syncBackup } from '@multidb/sync';
import { type Claim, claim, type StepOutcome } from '../claims.js';
import { type DriftSummary, driftBetween } from '../drift-summary.js';
import type { StoryContext } from '../story-context.js';
import { seconds } from '../timing.js';

export interface SyncFigures {
  readonly ok: boolean;
  /** Copy order: parents before children; a group of several tables is a foreign-key cycle. */
  readonly order: readonly (readonly string[])[];
  readonly tables: readonly { table: string; rows: number; strategy: string | undefined }[];
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly ms: number;
  readonly drift: DriftSummary;
  readonly error: string | undefined;
}

/** Parent → child pairs of the reference schema that the copy order must respect. */
const FOREIGN_KEYS: readonly [string, string][] = [
  ['customer.organizations', 'customer.clients'],
  ['customer.organizations', 'config.users'],
  ['config.users', 'config.sessions'],
  ['config.roles', 'config.user_roles'],
];

/** `syncBackup` (what `pnpm sync:backup` runs) fills a fresh, empty backup; a drift check then finds it equal. */
export async function syncStep(ctx: StoryContext): Promise<StepOutcome<SyncFigures>> {
  const { env, narrator } = ctx;
  const fresh = await env.createFreshBackup();
  try {
    narrator.detail(`a fresh backup: ${fresh.safeUrl}, PRIMARY schema migrated, no rows`);
    const result = await syncBackup({ source: env.clients.primary, target: fresh });
    const drift = await driftBetween(env.clients.primary, fresh, {});
    const figures: SyncFigures = result.match(
      (report) => ({
        ok: report.ok,
        order: report.order,
        tables: report.tables.map((t) => ({ table: t.table, rows: t.rowsWritten, strategy: t.strategy })),
        rowsRead: report.rowsRead,
        rowsWritten: report.rowsWritten,
        ms: report.ms,
        drift,
        error: report.tables.find((t) => t.reason)?.reason,
      }),
      (error) => ({
        ok: false,
        order: [],
        tables: [],
        rowsRead: 0,
        rowsWritten: 0,
        ms: 0,
        drift,
        error: `${error.type}: ${error.message}`,
      }),
    );
    narrator.detail(`copy order (foreign keys): ${figures.order.map((g) => g.join(' ⇄ ')).join(' → ')}`);
    narrator.detail(
      `copied ${figures.rowsWritten} rows in ${seconds(figures.ms)}: ${figures.tables.map((t) => `${t.table} ${t.rows}`).join(', ')}`,
    );
    narrator.detail(
      `checkDrift(primary, fresh backup): ${drift.differences} differences in ${drift.tables} tables`,
    );

    const position = (table: string) => figures.order.findIndex((group) => group.includes(table));
    const inOrder = FOREIGN_KEYS.every(([parent, child]) => {
      const p = position(parent);
      return p >= 0 && p < position(child);
    });
    const claims: Claim[] = [
      claim(
        'sync-fresh-backup',
        'syncBackup filled the fresh backup: every row copied, and the drift check finds it equal to the primary',
        figures.ok && figures.rowsWritten > 0 && figures.rowsWritten === figures.rowsRead && drift.clean,
        `${figures.rowsWritten} of ${figures.rowsRead} rows written, ${drift.differences} differences${figures.error ? `, ${figures.error}` : ''}`,
      ),
      claim(
        'sync-fk-order',
        'tables were copied in foreign-key order (parents first)',
        inOrder,
        FOREIGN_KEYS.map(([p, c]) => `${p} before ${c}`).join(', '),
      ),
    ];
    for (const c of claims) narrator.verdict(c.held, `${c.text} (${c.detail})`);
    return { figures, claims };
  } finally {
    await fresh.close();
  }
}
