// Type tests, checked by `tsc -p packages/router/tsconfig.json` (not run by vitest).
import type { PGlite } from '@electric-sql/pglite';
import { fromPglite } from '@multidb/config/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pglite';
import { expectTypeOf } from 'vitest';
import { createDbRouter, type DbRouter, type RoutedDatabase } from '../src/index.js';
import { posts, schema, type TestSchema, users } from './support/test-schema.js';

declare const pg: PGlite;

// The schema is inferred from a Drizzle primary, from a DbHandle, or from the `schema` option with a URL.
const fromDrizzle = createDbRouter({ primary: drizzle({ client: pg, schema }) });
const fromHandle = createDbRouter({ primary: fromPglite(pg, { schema }) });
const fromUrl = createDbRouter({ primary: 'pglite:memory', schema });
expectTypeOf(fromDrizzle).toEqualTypeOf<DbRouter<TestSchema>>();
expectTypeOf(fromHandle).toEqualTypeOf<DbRouter<TestSchema>>();
expectTypeOf(fromUrl).toEqualTypeOf<DbRouter<TestSchema>>();

const read = fromUrl.getClient('read');
expectTypeOf(read).toEqualTypeOf<RoutedDatabase<TestSchema>>();
expectTypeOf(read).toMatchTypeOf<PgDatabase<PgQueryResultHKT, TestSchema>>();

// Relational queries keep the schema's types, relations included.
async function relational() {
  const user = await read.query.users.findFirst({ with: { posts: { with: { tags: true } } } });
  expectTypeOf(user).toEqualTypeOf<
    | {
        id: number;
        email: string;
        name: string;
        posts: { id: number; authorId: number; title: string; tags: { postId: number; tag: string }[] }[];
      }
    | undefined
  >();
  // @ts-expect-error: no such table in the schema
  read.query.comments;
  // @ts-expect-error: no such relation
  await read.query.users.findMany({ with: { comments: true } });
}

async function builders() {
  const rows = await read.select({ title: posts.title }).from(posts);
  expectTypeOf(rows).toEqualTypeOf<{ title: string }[]>();
  const inserted = await fromUrl
    .getClient('write')
    .insert(users)
    .values({ email: 'a', name: 'b' })
    .returning();
  expectTypeOf(inserted[0]?.id).toEqualTypeOf<number | undefined>();
  // @ts-expect-error: `id` is generated always
  await fromUrl.getClient('write').insert(users).values({ id: 1, email: 'a', name: 'b' });
  const inTx = await fromUrl.withTransaction(async (tx) => tx.query.posts.findMany());
  expectTypeOf(inTx).toEqualTypeOf<{ id: number; authorId: number; title: string }[]>();
}

// @ts-expect-error: not an intent
fromUrl.getClient('readonly');

// Escape hatches are routed databases of the same schema.
expectTypeOf(fromUrl.$primary).toEqualTypeOf<RoutedDatabase<TestSchema>>();
expectTypeOf(read.$replicas).toEqualTypeOf<readonly RoutedDatabase<TestSchema>[]>();

export { builders, relational };
