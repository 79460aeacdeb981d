import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMultiDbError, quoteIdentifier, quoteLiteral, quoteQualified } from '../src/index.js';

// Whatever the text, the quoted form is read back by a real server as exactly that text, under both settings of
// standard_conforming_strings (the `E'…'` form is what makes a backslash mean the same under both).

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.query('select 1');
});
afterAll(async () => {
  await db.close();
});

/** Any text without NUL: quotes, backslashes, E'' look-alikes, SQL punctuation and every plane of unicode. */
const text = fc
  .oneof(
    fc.string({
      unit: fc.constantFrom("'", '"', '\\', 'E', 'e', ';', '-', '$', ' ', '\n', 'a', 'é', '😀', '\u200b'),
    }),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
  )
  .filter((s) => !s.includes('\0'));

const select = async (literal: string) => {
  const { rows } = await db.query<{ v: string }>(`select ${literal}::text as v`);
  return rows[0]?.v;
};

describe('quoteLiteral', () => {
  it('round-trips any text through select, with standard_conforming_strings on and off', async () => {
    for (const setting of ['on', 'off']) {
      await db.exec(`set standard_conforming_strings = ${setting}; set escape_string_warning = off`);
      await fc.assert(
        fc.asyncProperty(text, async (value) => {
          expect(await select(quoteLiteral(value))).toBe(value);
        }),
        { numRuns: 150 },
      );
    }
    await db.exec('reset standard_conforming_strings');
  });

  it('refuses NUL with InvalidLiteral', () => {
    fc.assert(
      fc.property(text, text, (before, after) => {
        const thrown = (() => {
          try {
            quoteLiteral(`${before}\0${after}`);
          } catch (error) {
            return error;
          }
        })();
        expect(isMultiDbError(thrown, 'InvalidLiteral')).toBe(true);
      }),
    );
  });
});

describe('quoteIdentifier', () => {
  // PostgreSQL truncates names to 63 bytes (NAMEDATALEN): compare within that.
  const name = text.filter((s) => s.length > 0 && Buffer.byteLength(s, 'utf8') <= 63);

  it('creates and selects a table and column of any name', async () => {
    await db.exec('create schema if not exists "q s"');
    await fc.assert(
      fc.asyncProperty(name, name, async (table, column) => {
        const qualified = quoteQualified('q s', table);
        await db.exec(
          `drop table if exists ${qualified}; create table ${qualified} (${quoteIdentifier(column)} int)`,
        );
        await db.exec(`insert into ${qualified} values (7)`);
        const { rows, fields } = await db.query<Record<string, number>>(
          `select ${quoteIdentifier(column)} from ${qualified}`,
        );
        expect(fields.map((f) => f.name)).toEqual([column]);
        expect(rows[0]?.[column]).toBe(7);
        const { rows: found } = await db.query<{ relname: string }>(
          `select relname from pg_class where oid = ${quoteLiteral(qualified)}::regclass`,
        );
        expect(found[0]?.relname).toBe(table);
        await db.exec(`drop table ${qualified}`);
      }),
      { numRuns: 80 },
    );
  });

  it('refuses NUL and the empty name with InvalidIdentifier', () => {
    for (const bad of ['', 'a\0b', '\0']) {
      expect(() => quoteIdentifier(bad)).toThrow(expect.objectContaining({ code: 'InvalidIdentifier' }));
    }
  });
});
