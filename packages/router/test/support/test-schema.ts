import { relations } from 'drizzle-orm';
import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

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

export const usersRelations = relations(users, ({ many }) => ({ posts: many(posts) }));
export const postsRelations = relations(posts, ({ one, many }) => ({
  author: one(users, { fields: [posts.authorId], references: [users.id] }),
  tags: many(postTags),
}));
export const postTagsRelations = relations(postTags, ({ one }) => ({
  post: one(posts, { fields: [postTags.postId], references: [posts.id] }),
}));

export const schema = { nodeInfo, users, posts, postTags, usersRelations, postsRelations, postTagsRelations };
export type TestSchema = typeof schema;

export const DDL = `
CREATE TABLE node_info (name text PRIMARY KEY);
CREATE TABLE users (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE, name text NOT NULL);
CREATE TABLE posts (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  author_id integer NOT NULL REFERENCES users(id), title text NOT NULL);
CREATE TABLE post_tags (post_id integer NOT NULL REFERENCES posts(id), tag text NOT NULL, PRIMARY KEY (post_id, tag));
CREATE SEQUENCE counter;`;
