// drizzle-orm 1.0 only (checked by tsconfig.1.0.json): relational queries v2 typed through the router, from the
// primary database's relations or from the `relations` option with URL nodes.
import type { PGlite } from '@electric-sql/pglite';
import { defineRelations } from 'drizzle-orm';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pglite';
import { expectTypeOf } from 'vitest';
import { createDbRouter, type DbRouter } from '../../src/index.js';

declare const pg: PGlite;

const users = pgTable('users', { id: integer().primaryKey(), email: text().notNull() });
const posts = pgTable('posts', {
  id: integer().primaryKey(),
  authorId: integer('author_id').notNull(),
  title: text().notNull(),
});
const relations = defineRelations({ users, posts }, (r) => ({
  users: { posts: r.many.posts({ from: r.users.id, to: r.posts.authorId }) },
  posts: { author: r.one.users({ from: r.posts.authorId, to: r.users.id }) },
}));
type Relations = typeof relations;

type UserWithPosts = { id: number; email: string; posts: { id: number; authorId: number; title: string }[] };

const fromDb = createDbRouter({ primary: drizzle({ client: pg, relations }) });
const fromUrl = createDbRouter({ primary: 'postgres://db/app', relations });
expectTypeOf(fromDb).toEqualTypeOf<DbRouter<Relations>>();
expectTypeOf(fromUrl).toEqualTypeOf<DbRouter<Relations>>();

export async function relationalV2() {
  const read = fromUrl.getClient('read');
  const found = await read.query.users.findMany({ where: { id: 1 }, with: { posts: true } });
  expectTypeOf(found).toEqualTypeOf<UserWithPosts[]>();
  const first = await fromDb
    .getClient('read')
    .query.posts.findFirst({ where: { author: { email: 'a' } }, with: { author: true } });
  expectTypeOf(first?.author).toEqualTypeOf<{ id: number; email: string } | null | undefined>();
  // @ts-expect-error: no such relation
  await read.query.users.findMany({ with: { comments: true } });
  // @ts-expect-error: no such table
  read.query.comments;
  // @ts-expect-error: `where` takes the table's columns
  await read.query.users.findMany({ where: { nope: 1 } });
  const inTx = await fromUrl.withTransaction((tx) => tx.query.users.findMany({ with: { posts: true } }));
  expectTypeOf(inTx).toEqualTypeOf<UserWithPosts[]>();
  expectTypeOf(await read.$primary.query.users.findFirst()).toEqualTypeOf<
    { id: number; email: string } | undefined
  >();
}

// 1.0 has no `schema` option.
// @ts-expect-error: `schema` is drizzle-orm 0.45's
createDbRouter({ primary: 'postgres://db/app', schema: { users } });
