import { describe, expect, test } from 'vitest';
import { classifySql } from '../src/index.js';

describe('plain reads may go to a replica', () => {
  test.each([
    'select 1',
    'SELECT * FROM "users" WHERE "id" = $1',
    '  (select 1) union (select 2)',
    "with recent as (select * from orders where created_at > now() - interval '1 day') select count(*) from recent",
    'values (1), (2)',
    'table users',
    "select 'insert into x values (1)' as text",
    'select "update", "delete" from "t"',
    'select 1 -- update users set a = 1',
    'select /* delete from x /* nested */ still comment */ 1',
    'select $tag$ insert into t values (1) $tag$',
    "select E'it\\'s; delete from t'",
    "select current_setting('app.node')",
    'select pg_last_wal_replay_lsn()',
  ])('%s', (sql) => {
    expect(classifySql(sql)).toBe('read');
  });
});

describe('writes are refused on read intents', () => {
  test.each([
    'insert into users (name) values ($1)',
    'UPDATE users SET name = $1',
    'delete from users',
    'merge into t using s on t.id = s.id when matched then delete',
    'with moved as (delete from queue returning *) select * from moved',
    'WITH x AS (INSERT INTO log (m) VALUES (1) RETURNING id) SELECT id FROM x',
    'with x as (update t set a = 1 returning *) select 1',
    'select * into new_table from users',
    'create table t (id int)',
    'drop table t',
    'truncate users',
    'refresh materialized view stats',
    'select 1; delete from users',
    'copy users to stdout',
  ])('%s', (sql) => {
    expect(classifySql(sql)).toBe('write');
  });
});

describe('anything else not provably a plain read goes to the primary', () => {
  test.each([
    'select * from jobs for update skip locked',
    'select * from jobs for no key update',
    'select * from jobs for share',
    'select * from jobs for key share',
    "select nextval('users_id_seq')",
    "select setval('s', 1)",
    'select pg_advisory_lock(1)',
    "select set_config('app.user', '1', false)",
    'select txid_current()',
    "select pg_notify('c', 'm')",
    'select pg_current_wal_insert_lsn()',
    'explain analyze delete_stuff()',
    'show work_mem',
    'set statement_timeout = 0',
    'call refresh_things()',
    'do $$ begin perform 1; end $$',
    '',
    '-- only a comment',
  ])('%s', (sql) => {
    expect(classifySql(sql)).toBe('primary');
  });
});
