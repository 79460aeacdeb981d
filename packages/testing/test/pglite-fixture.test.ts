import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeSharedPgliteTemplates,
  createPgliteFixture,
  type PgliteTemplate,
  resetDatabase,
  resetSql,
  sharedPgliteTemplate,
} from '../src/pglite-index.js';

const SETUP = `
  CREATE SCHEMA app;
  CREATE TABLE app.parents (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
  CREATE TABLE app.children (id serial PRIMARY KEY, parent_id integer NOT NULL REFERENCES app.parents(id));
  CREATE SCHEMA other;
  CREATE TABLE other.kept (id integer PRIMARY KEY);
  CREATE SCHEMA drizzle;
  CREATE TABLE drizzle.__migrations (id serial PRIMARY KEY, hash text);
  INSERT INTO drizzle.__migrations (hash) VALUES ('abc');
  INSERT INTO app.parents (name) VALUES ('from the template');
`;

let template: PgliteTemplate;
beforeAll(async () => {
  template = await sharedPgliteTemplate('testing:pglite-fixture', {
    setup: (pg) => pg.exec(SETUP).then(() => {}),
  });
});
afterAll(() => closeSharedPgliteTemplates());

const count = async (pg: PGlite, table: string) =>
  Number((await pg.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]?.n);

describe('PGlite template', () => {
  it('is built once per process and shared by key', async () => {
    expect(await sharedPgliteTemplate('testing:pglite-fixture', {})).toBe(template);
  });

  it('clones carry the setup and are independent of each other', async () => {
    const [a, b] = [await template.clone(), await template.clone()];
    try {
      await a.exec(`INSERT INTO app.parents (name) VALUES ('only in a')`);
      expect(await count(a, 'app.parents')).toBe(2);
      expect(await count(b, 'app.parents')).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('closing the template closes the clones it made', async () => {
    const own = await sharedPgliteTemplate('testing:close', { setup: async () => {} });
    const clone = await own.clone();
    await own.close();
    expect(clone.closed).toBe(true);
    expect(own.closed).toBe(true);
    await expect(own.clone()).rejects.toThrow(/closed/);
  });
});

describe('reset', () => {
  it('truncates every table of the given schemas in one statement, restarting identities', async () => {
    const fixture = await createPgliteFixture(template, { resetSchemas: ['app'] });
    try {
      await fixture.pg.exec(
        `INSERT INTO app.children (parent_id) VALUES (1); INSERT INTO other.kept VALUES (1)`,
      );
      await fixture.reset();
      expect(await count(fixture.pg, 'app.parents')).toBe(0);
      expect(await count(fixture.pg, 'app.children')).toBe(0);
      expect(await count(fixture.pg, 'other.kept')).toBe(1);
      const { rows } = await fixture.pg.query<{ id: number }>(
        `INSERT INTO app.parents (name) VALUES ('x') RETURNING id`,
      );
      expect(rows[0]?.id).toBe(1);
    } finally {
      await fixture.close();
    }
  });

  it('by default empties every user schema but keeps the drizzle migrations bookkeeping', async () => {
    const fixture = await createPgliteFixture(template);
    try {
      await fixture.pg.exec(`INSERT INTO other.kept VALUES (1)`);
      await resetDatabase(fixture.db);
      expect(await count(fixture.pg, 'other.kept')).toBe(0);
      expect(await count(fixture.pg, 'app.parents')).toBe(0);
      expect(await count(fixture.pg, 'drizzle.__migrations')).toBe(1);
    } finally {
      await fixture.close();
    }
  });

  it('is a single DO statement and tolerates schemas without tables', async () => {
    expect(resetSql(['app']).trim().startsWith('DO $reset$')).toBe(true);
    const pg = await template.clone();
    try {
      await resetDatabase(pg, ['no_such_schema']);
      await resetDatabase(pg, []);
      expect(await count(pg, 'app.parents')).toBe(1);
    } finally {
      await pg.close();
    }
  });
});
