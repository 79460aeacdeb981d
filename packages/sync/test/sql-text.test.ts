import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseTableName, quoteIdent, quoteLiteral, splitTableList } from '../src/index.js';
import { decodeCopyField, pumpCopy } from '../src/sync/copy-text.js';

describe('identifiers and literals', () => {
  it('quotes any identifier and refuses NUL', () => {
    expect(quoteIdent('a"b; DROP TABLE x;--')).toBe('"a""b; DROP TABLE x;--"');
    expect(quoteIdent('välue')).toBe('"välue"');
    expect(() => quoteIdent('a\u0000b')).toThrow();
    expect(() => quoteIdent('')).toThrow();
  });

  it('escapes literals the way libpq does', () => {
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral('back\\slash')).toBe("E'back\\\\slash'");
  });

  it('parses table names with quotes, dots and commas', () => {
    expect(parseTableName('shop.orders')._unsafeUnwrap()).toEqual({ schema: 'shop', name: 'orders' });
    expect(parseTableName('orders')._unsafeUnwrap()).toEqual({ schema: undefined, name: 'orders' });
    expect(parseTableName('"we""ird; s"."a.b, c"')._unsafeUnwrap()).toEqual({
      schema: 'we"ird; s',
      name: 'a.b, c',
    });
    expect(parseTableName('a.b.c').isErr()).toBe(true);
    expect(parseTableName('"open').isErr()).toBe(true);
    expect(splitTableList('a, "x,y".z ,b')).toEqual(['a', '"x,y".z', 'b']);
  });
});

describe('COPY text rows', () => {
  it('decodes fields', () => {
    expect(decodeCopyField('\\N')).toBeNull();
    expect(decodeCopyField('a\\tb\\nc\\\\d')).toBe('a\tb\nc\\d');
  });

  it('counts rows and keeps the last one across chunk borders', async () => {
    const source = new PassThrough();
    const written: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written.push(chunk);
        callback();
      },
    });
    const pumped = pumpCopy(source, sink);
    for (const piece of ['1\tone\n2\ttw', 'o\n3\tthr', 'ee\\tx\n']) source.write(Buffer.from(piece));
    source.end();
    const result = await pumped;
    expect(result.rows).toBe(3);
    expect(result.lastFields([0, 1])).toEqual(['3', 'three\tx']);
    expect(Buffer.concat(written).toString()).toBe('1\tone\n2\ttwo\n3\tthree\\tx\n');
  });
});
