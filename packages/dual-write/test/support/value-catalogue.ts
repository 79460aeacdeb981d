import { quoteIdentifier, quoteLiteral } from '@multidb/config';
import {
  bigint,
  bit,
  boolean,
  char,
  cidr,
  customType,
  date,
  doublePrecision,
  inet,
  integer,
  interval,
  json,
  jsonb,
  line,
  macaddr,
  macaddr8,
  numeric,
  type PgColumnBuilderBase,
  type PgTable,
  pgSchema,
  point,
  real,
  smallint,
  text,
  time,
  timestamp,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import type fc from 'fast-check';
import * as L from './value-literals.js';

/**
 * The value-fidelity catalogue: every column type the backup must copy exactly, declared the way an application
 * would (Drizzle's own builder where there is one, `customType` for the rest), each with a fast-check arbitrary of
 * SQL literal text for it. Own schema, table and column names chosen to need quoting.
 */
export const VF_SCHEMA = 'Value Fidelity';
const vf = pgSchema(VF_SCHEMA);
const qualifiedType = (name: string) => `"${VF_SCHEMA}".${name}`;

export const mood = vf.enum('mood', L.ENUM_LABELS);

/** A column the application declares as plain text data: Drizzle passes the driver's value through untouched. */
const raw = (type: string) => customType<{ data: string; driverData: string }>({ dataType: () => type });

export interface ValueColumn {
  /** Property name in Drizzle rows. */
  readonly key: string;
  /** Column name in the database. */
  readonly name: string;
  /** SQL type: in the DDL and in the server-side cast of every literal written to the column. */
  readonly type: string;
  readonly literal: fc.Arbitrary<string>;
  readonly builder: PgColumnBuilderBase;
}

export interface ValueTable {
  readonly name: string;
  readonly table: PgTable;
  readonly columns: readonly ValueColumn[];
  readonly ddl: string;
  /** Drizzle can map every value of the table back to JS: writes may use `.returning()` of the whole row. */
  readonly readable: boolean;
}

const column = (
  key: string,
  name: string,
  type: string,
  literal: fc.Arbitrary<string>,
  builder: (name: string) => PgColumnBuilderBase,
): ValueColumn => ({ key, name, type, literal, builder: builder(name) });

const custom = (key: string, name: string, type: string, literal: fc.Arbitrary<string>) =>
  column(key, name, type, literal, (n) => raw(type)(n));

/** Types with a lossless Drizzle mode (or none needed): what the backup must copy byte for byte. */
const valueColumns: ValueColumn[] = [
  column('bool', 'bool', 'boolean', L.bool, (n) => boolean(n)),
  column('int2', 'int2', 'smallint', L.int2, (n) => smallint(n)),
  column('int4', 'Int4 "quoted"', 'integer', L.int4, (n) => integer(n)),
  column('int8', 'int8', 'bigint', L.int8, (n) => bigint(n, { mode: 'bigint' })),
  column('numeric', 'numeric', 'numeric', L.numeric, (n) => numeric(n)),
  column('numeric30x6', 'numeric(30,6)', 'numeric(30,6)', L.numeric30x6, (n) =>
    numeric(n, { precision: 30, scale: 6 }),
  ),
  column('float4', 'float4', 'real', L.float4, (n) => real(n)),
  column('float8', 'float8', 'double precision', L.float8, (n) => doublePrecision(n)),
  column('text', 'select', 'text', L.textValue, (n) => text(n)),
  column('varchar', 'varchar', 'varchar(40)', L.textUpTo(40), (n) => varchar(n, { length: 40 })),
  column('char', 'char', 'char(8)', L.textUpTo(8), (n) => char(n, { length: 8 })),
  column('textArray', 'Tags, Array', 'text[]', L.textArray, (n) => text(n).array()),
  column('textMatrix', 'text[][]', 'text[]', L.textMatrix, (n) => text(n).array().array()),
  column('int4Array', 'int4[]', 'integer[]', L.int4Array, (n) => integer(n).array()),
  column('int8Array', 'int8[]', 'bigint[]', L.int8ArrayNoNulls, (n) => bigint(n, { mode: 'bigint' }).array()),
  column('boolArray', 'bool[]', 'boolean[]', L.boolArray, (n) => boolean(n).array()),
  column('float8Array', 'float8[]', 'double precision[]', L.float8Array, (n) => doublePrecision(n).array()),
  column('numericArray', 'numeric[]', 'numeric[]', L.numericArray, (n) => numeric(n).array()),
  column('jsonb', 'jsonb;--', 'jsonb', L.json, (n) => jsonb(n)),
  column('json', 'json', 'json', L.json, (n) => json(n)),
  custom('bytea', 'bytea', 'bytea', L.bytea),
  column('interval', 'interval', 'interval', L.interval, (n) => interval(n)),
  custom('money', 'money', 'money', L.money),
  column('inet', 'inet', 'inet', L.inet, (n) => inet(n)),
  column('cidr', 'cidr', 'cidr', L.cidr, (n) => cidr(n)),
  column('macaddr', 'macaddr', 'macaddr', L.macaddr, (n) => macaddr(n)),
  column('macaddr8', 'macaddr8', 'macaddr8', L.macaddr8, (n) => macaddr8(n)),
  column('uuid', 'uuid', 'uuid', L.uuid, (n) => uuid(n)),
  custom('int4range', 'int4range', 'int4range', L.int4range),
  custom('numrange', 'numrange', 'numrange', L.numrange),
  custom('tstzrange', 'tstzrange', 'tstzrange', L.tstzrange),
  custom('tsrange', 'tsrange', 'tsrange', L.tsrange),
  custom('daterange', 'daterange', 'daterange', L.daterange),
  custom('int8range', 'int8range', 'int8range', L.int8range),
  custom('int4multirange', 'int4multirange', 'int4multirange', L.int4multirange),
  custom('tstzmultirange', 'tstzmultirange', 'tstzmultirange', L.tstzmultirange),
  custom('jsonpath', 'jsonpath', 'jsonpath', L.jsonpath),
  custom('oid', 'oid', 'oid', L.oid),
  custom('pgSnapshot', 'pg_snapshot', 'pg_snapshot', L.pgSnapshot),
  custom('byteaArray', 'bytea[]', 'bytea[]', L.byteaArray),
  column('uuidArray', 'uuid[]', 'uuid[]', L.uuidArray, (n) => uuid(n).array()),
  column('bit', 'bit(8)', 'bit(8)', L.bit8, (n) => bit(n, { dimensions: 8 })),
  custom('varbit', 'varbit', 'varbit(70)', L.varbit),
  column('point', 'point', 'point', L.point, (n) => point(n)),
  column('line', 'line', 'line', L.line, (n) => line(n)),
  custom('lseg', 'lseg', 'lseg', L.lseg),
  custom('box', 'box', 'box', L.box),
  custom('path', 'path', 'path', L.path),
  custom('polygon', 'polygon', 'polygon', L.polygon),
  custom('circle', 'circle', 'circle', L.circle),
  custom('xml', 'xml', 'xml', L.xml),
  custom('tsvector', 'tsvector', 'tsvector', L.tsvector),
  custom('tsquery', 'tsquery', 'tsquery', L.tsquery),
  column('date', 'date', 'date', L.date, (n) => date(n)),
  column('time', 'time', 'time(6)', L.time, (n) => time(n, { precision: 6 })),
  column('timetz', 'timetz', 'timetz(6)', L.timetz, (n) => time(n, { precision: 6, withTimezone: true })),
  column('timestamp', 'timestamp', 'timestamp(6)', L.timestamp, (n) =>
    timestamp(n, { precision: 6, mode: 'string' }),
  ),
  column('timestamptz', 'timestamptz', 'timestamptz(6)', L.timestamptz, (n) =>
    timestamp(n, { precision: 6, withTimezone: true, mode: 'string' }),
  ),
  custom('pgLsn', 'pg_lsn', 'pg_lsn', L.pgLsn),
  custom('char1', '"char"', '"char"', L.char1),
  custom('name', 'name', 'name', L.textUpTo(20)),
  column('mood', 'mood', qualifiedType('mood'), L.enumLabel, (n) => mood(n)),
  custom('amount', 'amount', qualifiedType('amount'), L.amount),
  custom('pair', 'pair', qualifiedType('pair'), L.composite),
  custom('pairs', 'pairs', `${qualifiedType('pair')}[]`, L.compositeArray),
];

/** Arrays of dates and timestamps (own table: a failure that drops whole rows must not hide the other types). */
const dateArrayColumns: ValueColumn[] = [
  column('timestamptzArray', 'timestamptz[]', 'timestamptz(6)[]', L.timestamptzArray, (n) =>
    timestamp(n, { withTimezone: true, precision: 6, mode: 'string' }).array(),
  ),
  column('timestampArray', 'timestamp[]', 'timestamp(6)[]', L.timestampArray, (n) =>
    timestamp(n, { precision: 6, mode: 'string' }).array(),
  ),
  column('dateArray', 'date[]', 'date[]', L.dateArray, (n) => date(n).array()),
  column('intervalArray', 'interval[]', 'interval[]', L.intervalArray, (n) => interval(n).array()),
];

/**
 * Columns whose Drizzle mode decodes into a JS value that cannot hold every stored value (53-bit numbers,
 * millisecond Dates, Dates that cannot be infinite, BigInt(null) for a NULL element): the application reads them
 * lossily (or not at all), the backup must still get them exactly.
 */
const jsModeColumns: ValueColumn[] = [
  // Drizzle's jsonb().array() JSON.parses every element, NULL included (postgres.js): `.returning()` throws.
  column('jsonbArray', 'jsonb[]', 'jsonb[]', L.jsonbArray, (n) => jsonb(n).array()),
  column('int8ArrayNulls', 'int8[] with NULLs', 'bigint[]', L.int8Array, (n) =>
    bigint(n, { mode: 'bigint' }).array(),
  ),
  column('int8Number', 'int8 as number', 'bigint', L.int8, (n) => bigint(n, { mode: 'number' })),
  column('numericNumber', 'numeric as number', 'numeric', L.numeric, (n) => numeric(n, { mode: 'number' })),
  column('numericBigint', 'numeric as bigint', 'numeric(40,0)', L.integerText(40), (n) =>
    numeric(n, { mode: 'bigint', precision: 40, scale: 0 }),
  ),
  column('timestampDate', 'timestamp as Date', 'timestamp(6)', L.timestamp, (n) =>
    timestamp(n, { precision: 6, mode: 'date' }),
  ),
  column('timestamptzDate', 'timestamptz as Date', 'timestamptz(6)', L.timestamptz, (n) =>
    timestamp(n, { precision: 6, withTimezone: true, mode: 'date' }),
  ),
  column('dateDate', 'date as Date', 'date', L.date, (n) => date(n, { mode: 'date' })),
];

/**
 * Diagnosis only: `VF_EXCLUDE=key,key` leaves columns out (e.g. one whose failure drops whole rows and so hides
 * what the other columns would show). Every column is in by default.
 */
const excluded = new Set((process.env.VF_EXCLUDE ?? '').split(',').filter((k) => k !== ''));

function valueTable(name: string, all: ValueColumn[], readable: boolean): ValueTable {
  const columns = all.filter((c) => !excluded.has(c.key));
  const builders: Record<string, PgColumnBuilderBase> = { id: integer('id').primaryKey() };
  for (const c of columns) builders[c.key] = c.builder;
  const table = vf.table(name, builders);
  const ddl = `create table ${quoteIdentifier(VF_SCHEMA)}.${quoteIdentifier(name)} (
  id integer primary key,
  ${columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(',\n  ')}
);`;
  return { name, table, columns, ddl, readable };
}

export const valuesTable = valueTable('Values', valueColumns, true);
export const dateArraysTable = valueTable('Date arrays', dateArrayColumns, true);
export const jsModesTable = valueTable('JS modes', jsModeColumns, false);
export const valueTables: readonly ValueTable[] = [valuesTable, dateArraysTable, jsModesTable];

/** For `withBackup({ schema })`: the tables (their keys are checked at setup). */
export const valueSchema = {
  valuesTable: valuesTable.table,
  dateArraysTable: dateArraysTable.table,
  jsModesTable: jsModesTable.table,
};

/** Drops and recreates the schema, its types and tables (run on the primary and on the backup). */
export const VALUE_DDL = `
drop schema if exists ${quoteIdentifier(VF_SCHEMA)} cascade;
create schema ${quoteIdentifier(VF_SCHEMA)};
create type ${qualifiedType('mood')} as enum (${L.ENUM_LABELS.map(quoteLiteral).join(', ')});
create domain ${qualifiedType('amount')} as numeric(20, 4) check (value >= 0);
create type ${qualifiedType('pair')} as (amount numeric, "the label" text, at timestamptz, tags text[]);
${valueTables.map((t) => t.ddl).join('\n')}
`;

export const VALUE_TRUNCATE = `truncate ${valueTables
  .map((t) => `${quoteIdentifier(VF_SCHEMA)}.${quoteIdentifier(t.name)}`)
  .join(', ')};`;
