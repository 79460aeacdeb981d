// Type tests that hold on both drizzle-orm lines (see README.md here: checked with tsc under 0.45 and 1.0).
// If the router's types degraded to `any`, the `toEqualTypeOf` checks and the `@ts-expect-error` lines fail.
import type { PGlite } from '@electric-sql/pglite';
import { eq } from 'drizzle-orm';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pglite';
import { expectTypeOf } from 'vitest';
import { createDbRouter } from '../../src/index.js';

declare const pg: PGlite;

const users = pgTable('users', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  email: text().notNull(),
  name: text(),
});

const router = createDbRouter({
  primary: drizzle({ client: pg }),
  replicas: [{ name: 'r', db: 'pglite:memory' }],
});
const read = router.getClient('read');

export async function builders() {
  const rows = await read.select({ id: users.id, name: users.name }).from(users).where(eq(users.email, 'a'));
  expectTypeOf(rows).toEqualTypeOf<{ id: number; name: string | null }[]>();
  // @ts-expect-error: no such column
  await read.select({ x: users.nope }).from(users);
  const inserted = await router
    .getClient('write')
    .insert(users)
    .values({ email: 'a' })
    .returning({ id: users.id });
  expectTypeOf(inserted).toEqualTypeOf<{ id: number }[]>();
  // @ts-expect-error: `email` is required
  await router.getClient('write').insert(users).values({ name: 'n' });
  expectTypeOf(await read.$count(users)).toEqualTypeOf<number>();
  const inTx = await router.withTransaction(async (tx) => tx.select({ email: users.email }).from(users));
  expectTypeOf(inTx).toEqualTypeOf<{ email: string }[]>();
  const nested = await router.withTransaction((tx) => tx.transaction(async (inner) => inner.$count(users)));
  expectTypeOf(nested).toEqualTypeOf<number>();
}

export function escapeHatches() {
  expectTypeOf(router.$primary).toEqualTypeOf(read);
  expectTypeOf(router.$replicas).toEqualTypeOf<readonly (typeof read)[]>();
  expectTypeOf(read.$primary).toEqualTypeOf(read);
  expectTypeOf(read.$intent).toEqualTypeOf<
    'write' | 'transactional' | 'read' | 'analytics' | 'background' | undefined
  >();
  // @ts-expect-error: not an intent
  router.getClient('readonly');
}
