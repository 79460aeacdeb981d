import { sql } from 'drizzle-orm';
import type { PgDialect } from 'drizzle-orm/pg-core';
import { beforeAll, expect, it } from 'vitest';
import { outboxNames } from '../src/outbox/outbox-schema.js';
import { readBatchQuery } from '../src/outbox/outbox-store.js';
import type { Pair } from './support/pair.js';
import { sharedCluster } from './support/pg-cluster-pair.js';

// A drain round must cost the same with a big backlog as with a small one: the read finds its batch through the
// indexes instead of filtering the whole outbox (it used to: 825 ms per 500-entry round with 1M entries waiting).
const cluster = sharedCluster();
let pair: Pair;
cluster.openForFile((opened) => {
  pair = opened;
});
const BACKLOG = 200_000;

beforeAll(async () => {
  await pair.reset();
  await pair.primary.db.execute(sql`insert into multidb.dual_write_outbox (tx_id, table_name, op, entity_key, row_data)
    select 1000000 + g / 3, 'public.counters', 'upsert', '[' || g || ']', jsonb_build_object('id', g)
    from generate_series(1, ${BACKLOG}) g`);
  await pair.primary.db.execute(sql`analyze multidb.dual_write_outbox`);
});

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Actual Rows'?: number;
  readonly 'Actual Loops'?: number;
  readonly 'Rows Removed by Filter'?: number;
  readonly Plans?: readonly PlanNode[];
}

/** Rows the plan looked at in the outbox: returned by its scans plus those they filtered out. */
function outboxRowsVisited(node: PlanNode): number {
  const own =
    node['Relation Name'] === 'dual_write_outbox'
      ? ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * (node['Actual Loops'] ?? 1)
      : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + outboxRowsVisited(child), 0);
}

async function plan(generic: boolean): Promise<PlanNode> {
  const built = (pair.primary.db as unknown as { dialect: PgDialect }).dialect.sqlToQuery(
    readBatchQuery(outboxNames(), 500),
  );
  return pair.primary.db.transaction(async (tx) => {
    await tx.execute(
      sql.raw(`set local plan_cache_mode = ${generic ? 'force_generic_plan' : 'force_custom_plan'}`),
    );
    await tx.execute(sql.raw(`prepare mdb_read_plan as ${built.sql}`));
    try {
      expect(built.params).toEqual([]);
      const rows = (await tx.execute(
        sql.raw('explain (analyze, format json) execute mdb_read_plan'),
      )) as unknown as Record<string, unknown>[];
      const json = Object.values(rows[0] ?? {})[0];
      return ((typeof json === 'string' ? JSON.parse(json) : json) as { Plan: PlanNode }[])[0]
        ?.Plan as PlanNode;
    } finally {
      await tx.execute(sql.raw('deallocate mdb_read_plan'));
    }
  });
}

it.each([false, true])(
  'reads one batch of a big outbox without scanning it (generic plan: %s)',
  async (generic) => {
    const root = await plan(generic);
    expect(root['Actual Rows']).toBeGreaterThanOrEqual(500);
    // 500 head entries, found again through their transactions: a few thousand rows at most, not the backlog.
    expect(outboxRowsVisited(root)).toBeLessThan(5_000);
  },
);
