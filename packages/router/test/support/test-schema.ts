import { drizzleLine } from '@multidb/config';
// A namespace import: `relations` exists on 0.45 only, `defineRelations` on 1.0 only.
import * as orm from 'drizzle-orm';
import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

const v045 = drizzleLine() === '0.45';

/** One row per database, different on each node: tells which node served a query. */
export const nodeInfo = pgTable('node_info', { name: text().primaryKey() });

export const users = pgTable('users', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  email: text().notNull().unique(),
  name: text().notNull(),
});

export const posts = pgTable('posts', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  authorId: integer('author_id')
    .notNull()
    .references(() => users.id),
  title: text().notNull(),
});

export const postTags = pgTable(
  'post_tags',
  {
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id),
    tag: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.tag] })],
);

// drizzle-orm 0.45: relations next to the tables in `schema`.
type Relations045 = typeof import('drizzle-orm')['relations'];
const relations045 = (orm as unknown as { relations: Relations045 }).relations;
const r045 = v045 ? relations045 : ((() => ({})) as unknown as Relations045);
export const usersRelations = r045(users, ({ many }) => ({ posts: many(posts) }));
export const postsRelations = r045(posts, ({ one, many }) => ({
  author: one(users, { fields: [posts.authorId], references: [users.id] }),
  tags: many(postTags),
}));
export const postTagsRelations = r045(postTags, ({ one }) => ({
  post: one(posts, { fields: [postTags.postId], references: [posts.id] }),
}));

export const tables = { nodeInfo, users, posts, postTags };
/** 0.45's relational schema (tables and relations); on 1.0 the tables only (1.0 takes `relations`). */
export const schema = v045
  ? { ...tables, usersRelations, postsRelations, postTagsRelations }
  : (tables as unknown as { nodeInfo: typeof nodeInfo } & typeof tables & {
        usersRelations: typeof usersRelations;
        postsRelations: typeof postsRelations;
        postTagsRelations: typeof postTagsRelations;
      });
export type TestSchema = typeof schema;

/** drizzle-orm 1.0: the same relations, from `defineRelations` (relational queries v2); `undefined` on 0.45. */
// biome-ignore lint/suspicious/noExplicitAny: defineRelations exists on 1.0 only (its types are 1.0's)
const defineRelations = (orm as unknown as { defineRelations?: (...args: any[]) => object }).defineRelations;
export const relations: object | undefined = v045
  ? undefined
  : defineRelations?.(tables, (r: RelationHelpers) => ({
      users: { posts: r.many.posts() },
      posts: {
        author: r.one.users({ from: r.posts.authorId, to: r.users.id }),
        tags: r.many.postTags(),
      },
      postTags: { post: r.one.posts({ from: r.postTags.postId, to: r.posts.id }) },
    }));
// biome-ignore lint/suspicious/noExplicitAny: the 1.0 relations builder, untyped on 0.45
type RelationHelpers = any;

/**
 * What a Drizzle database or router needs for relational queries on the loaded line: `{ schema }` (0.45) or
 * `{ relations }` (1.0). Spread it into `drizzle()`, `fromPglite()`, `connect()` or `createDbRouter()`.
 */
export const relational: { readonly schema?: TestSchema; readonly relations?: object } = v045
  ? { schema }
  : { relations };

export const DDL = `
CREATE TABLE node_info (name text PRIMARY KEY);
CREATE TABLE users (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE, name text NOT NULL);
CREATE TABLE posts (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  author_id integer NOT NULL REFERENCES users(id), title text NOT NULL);
CREATE TABLE post_tags (post_id integer NOT NULL REFERENCES posts(id), tag text NOT NULL, PRIMARY KEY (post_id, tag));
CREATE SEQUENCE counter;`;

/** For `@multidb/testing`'s replicas, which take 0.45's `schema` only: nothing on 1.0 (the router's relations apply). */
export const replicaRelational: { readonly schema?: TestSchema } = v045 ? { schema } : {};
