import { connect, drizzleDefineRelations, drizzleLine, isMultiDbError } from '@multidb/config';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { relationalQueryOptions } from '../src/index.js';

const notes = pgTable('notes', { id: integer().primaryKey(), body: text().notNull() });

describe(`relationalQueryOptions on drizzle-orm ${drizzleLine()}`, () => {
  it('gives db.query.<table> on the installed line', async () => {
    const options = relationalQueryOptions({ notes });
    expect(Object.keys(options)).toEqual([drizzleLine() === '0.45' ? 'schema' : 'relations']);
    const handle = await connect('pglite:memory', options);
    try {
      await handle.exec(`create table notes (id int primary key, body text not null);
        insert into notes values (2, 'b'), (1, 'a')`);
      const rows = await handle.db.query.notes.findMany();
      expect([...rows].sort((a, b) => a.id - b.id)).toEqual([
        { id: 1, body: 'a' },
        { id: 2, body: 'b' },
      ]);
    } finally {
      await handle.close();
    }
  });

  it.runIf(drizzleLine() === '0.45')('drizzleDefineRelations is refused on 0.45, which has none', () => {
    let error: unknown;
    try {
      drizzleDefineRelations();
    } catch (caught) {
      error = caught;
    }
    expect(isMultiDbError(error, 'DrizzleIncompatible')).toBe(true);
    expect((error as Error).message).toMatch(/drizzle-orm 0\.45\.\d+ has no defineRelations.*pass `schema`/);
  });

  it.runIf(drizzleLine() === '1.0')('drizzleDefineRelations is drizzle-orm 1.0 defineRelations', async () => {
    const relations = drizzleDefineRelations()({ notes });
    expect(Object.keys(relations)).toEqual(['notes']);
    const handle = await connect('pglite:memory', { relations });
    try {
      await handle.exec(`create table notes (id int primary key, body text not null);
        insert into notes values (1, 'a'), (2, 'b')`);
      const found = await (
        handle.db.query as unknown as { notes: { findFirst(config: object): Promise<unknown> } }
      ).notes.findFirst({ where: { id: 2 } });
      expect(found).toEqual({ id: 2, body: 'b' });
    } finally {
      await handle.close();
    }
  });
});
