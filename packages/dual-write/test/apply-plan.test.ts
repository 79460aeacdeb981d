import { MultiDbError } from '@multidb/config';
import { describe, expect, it } from 'vitest';
import { coalescedPlan, exactPlan, parentsFirst } from '../src/apply/apply-plan.js';
import type { BackupTarget, Change, ChangeUnit, Step } from '../src/apply/change.js';
import { isTransientError } from '../src/apply/error-kind.js';
import { applyIsolating } from '../src/apply/isolating-apply.js';
import { selectRunnable } from '../src/queue/unit-scheduler.js';
import { RetryBook } from '../src/retry/retry-book.js';
import { RetryPolicy } from '../src/retry/retry-policy.js';
import type { TableMeta } from '../src/table-meta.js';
import { TableRegistry } from '../src/table-registry.js';
import { accounts, counters, orderLines, orders } from './support/schema.js';

// Pure decision logic: which rows, in which order, in which statements. No database needed.
const registry = new TableRegistry({});
const meta = (table: Parameters<TableRegistry['meta']>[0]) => registry.meta(table) as TableMeta;
const A = meta(accounts);
const O = meta(orders);
const L = meta(orderLines);
const C = meta(counters);

const up = (table: TableMeta, key: string, row = key): Change<string> => ({ table, op: 'upsert', key, row });
const del = (table: TableMeta, key: string): Change<string> => ({ table, op: 'delete', key, row: `-${key}` });
let nextId = 1;
const unit = (...changes: Change<string>[]): ChangeUnit<string> => ({ id: nextId++, changes, capturedAt: 0 });
const shape = (steps: readonly Step<string>[]) =>
  steps.map((s) => `${s.op} ${s.table.tableName}: ${s.rows.join(' ')}`);

describe('coalescedPlan', () => {
  it('keeps only the last state of each row, parents first for upserts and last for deletes', () => {
    const plan = coalescedPlan([
      unit(up(O, 'o1', 'o1v1'), up(L, 'l1')),
      unit(up(A, 'a1', 'a1v1'), up(O, 'o1', 'o1v2')),
      unit(del(L, 'l1'), up(A, 'a1', 'a1v2'), del(A, 'a0'), del(O, 'o0')),
    ]);
    expect(shape(plan)).toEqual([
      'upsert accounts: a1v2',
      'upsert orders: o1v2',
      'delete order_lines: -l1',
      'delete orders: -o0',
      'delete accounts: -a0',
    ]);
  });

  it('merges consecutive writes of a row into its last state, a delete included', () => {
    expect(
      shape(coalescedPlan([unit(up(C, 'c1', 'v1')), unit(up(C, 'c1', 'v2')), unit(del(C, 'c1'))])),
    ).toEqual(['delete counters: -c1']);
  });

  it('never erases a delete: a row written again after its delete runs the delete first (its ON DELETE actions)', () => {
    expect(
      shape(coalescedPlan([unit(up(C, 'c1', 'v1')), unit(del(C, 'c1')), unit(up(C, 'c1', 'v3'))])),
    ).toEqual(['delete counters: -c1', 'upsert counters: v3']);
  });

  it('splits the batch into ordered segments there, each with parents-first upserts and children-first deletes', () => {
    const plan = coalescedPlan([
      unit(up(A, 'a1'), del(L, 'l0')),
      unit(del(O, 'o1'), up(C, 'c1', 'c1v1')),
      // o1 comes back: everything before it goes first, in the first segment.
      unit(up(O, 'o1', 'o1new'), up(L, 'l1'), up(C, 'c1', 'c1v2')),
      unit(del(A, 'a9'), up(O, 'o2')),
    ]);
    expect(shape(plan)).toEqual([
      'upsert accounts: a1',
      'upsert counters: c1v1',
      'delete order_lines: -l0',
      'delete orders: -o1',
      'upsert counters: c1v2',
      'upsert orders: o1new o2',
      'upsert order_lines: l1',
      'delete accounts: -a9',
    ]);
  });

  it('splits inside one unit too (a transaction deleting and re-inserting a row), and at every repetition', () => {
    expect(shape(coalescedPlan([unit(up(O, 'o1', 'o1v1'), del(O, 'o1'), up(O, 'o1', 'o1v2'))]))).toEqual([
      'delete orders: -o1',
      'upsert orders: o1v2',
    ]);
    expect(
      shape(coalescedPlan([unit(del(C, 'k'), up(C, 'k', 'k1')), unit(del(C, 'k')), unit(up(C, 'k', 'k2'))])),
    ).toEqual(['delete counters: -k', 'delete counters: -k', 'upsert counters: k2']);
  });

  it('a delete of a row that is not written again splits nothing', () => {
    expect(shape(coalescedPlan([unit(del(O, 'o1')), unit(up(O, 'o2')), unit(up(O, 'o3'))]))).toEqual([
      'upsert orders: o2 o3',
      'delete orders: -o1',
    ]);
  });
});

describe('exactPlan', () => {
  it('replays a unit in its own order, one statement per run, splitting where a row repeats', () => {
    const plan = exactPlan(unit(up(C, 'x', 'x1'), up(C, 'y'), up(C, 'x', 'x2'), del(C, 'y'), up(A, 'a')));
    expect(shape(plan)).toEqual([
      'upsert counters: x1 y',
      'upsert counters: x2',
      'delete counters: -y',
      'upsert accounts: a',
    ]);
  });

  it('a delete and re-insert of a parent stay two statements, in order, before the new children', () => {
    const plan = exactPlan(unit(del(O, 'o1'), up(O, 'o1', 'o1new'), up(L, 'l1')));
    expect(shape(plan)).toEqual(['delete orders: -o1', 'upsert orders: o1new', 'upsert order_lines: l1']);
  });
});

describe('parentsFirst', () => {
  it('orders by foreign keys and keeps appearance order otherwise', () => {
    expect(parentsFirst([L, C, O, A]).map((t) => t.tableName)).toEqual([
      'counters',
      'accounts',
      'orders',
      'order_lines',
    ]);
  });

  it('survives a reference cycle', () => {
    const x = { ...C, name: 'x', parents: ['y'] } as TableMeta;
    const y = { ...C, name: 'y', parents: ['x'] } as TableMeta;
    expect(parentsFirst([x, y, A])).toHaveLength(3);
  });
});

describe('selectRunnable', () => {
  it('holds back a unit waiting for its retry and every later unit touching its rows, not the others', () => {
    const waiting = unit(up(C, 'k'));
    const sameRow = unit(up(C, 'k'), up(C, 'j'));
    const viaSameRow = unit(up(C, 'j'));
    const other = unit(up(C, 'z'));
    const states = new Map([[waiting.id, { attempts: 1, notBefore: 500, lastError: undefined }]]);
    const selection = selectRunnable([waiting, sameRow, viaSameRow, other], (u) => states.get(u.id), 100, 10);
    expect(selection.runnable).toEqual([other]);
    expect(selectRunnable([waiting], (u) => states.get(u.id), 100, 10).waitMs).toBe(400);
  });

  it('fills a batch up to the row limit but always takes at least one unit', () => {
    const big = unit(...Array.from({ length: 5 }, (_, i) => up(C, `b${i}`)));
    const small = unit(up(C, 's'));
    expect(selectRunnable([big, small], () => undefined, 0, 3).runnable).toEqual([big]);
    expect(selectRunnable([small, unit(up(C, 't'))], () => undefined, 0, 3).runnable).toHaveLength(2);
  });
});

/** A target that refuses any statement containing a poisoned row, and records what it committed. */
function fakeTarget(poison: Set<string>, transient = new Set<string>()) {
  const committed: string[][] = [];
  const target: BackupTarget<string> = {
    async apply(steps) {
      const rows = steps.flatMap((s) => s.rows);
      if (rows.some((r) => transient.has(r)))
        throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
      if (rows.some((r) => poison.has(r)))
        throw Object.assign(new Error('check violation'), { code: '23514' });
      committed.push([...rows]);
    },
  };
  return { target, committed };
}

describe('applyIsolating', () => {
  it('applies everything in one transaction when the backup accepts it', async () => {
    const { target, committed } = fakeTarget(new Set());
    const report = await applyIsolating([unit(up(C, 'a')), unit(up(C, 'b'))], target);
    expect(report.applied).toHaveLength(2);
    expect(committed).toEqual([['a', 'b']]);
    expect(report.rollbacks).toBe(0);
  });

  it('a rejected state that a later write of the same row supersedes never reaches the backup', async () => {
    const { target, committed } = fakeTarget(new Set(['bad']));
    const report = await applyIsolating([unit(up(C, 'p', 'bad')), unit(up(C, 'p', 'fixed'))], target);
    expect(report.applied).toHaveLength(2);
    expect(committed).toEqual([['fixed']]);
  });

  it('isolates rejected units by halving, defers later units touching their rows, applies the rest', async () => {
    const { target, committed } = fakeTarget(new Set(['bad', 'also-bad']));
    const poisoned = unit(up(C, 'p', 'bad'));
    const later = unit(up(C, 'p', 'p-later'), up(C, 'd'));
    const alsoPoisoned = unit(up(C, 'z', 'also-bad'));
    const units = [unit(up(C, 'a')), poisoned, unit(up(C, 'b')), later, unit(up(C, 'c')), alsoPoisoned];
    const report = await applyIsolating(units, target);
    expect(report.failed.map((f) => f.unit)).toEqual([poisoned, alsoPoisoned]);
    expect(report.deferred).toEqual([later]);
    expect(committed.flat().sort()).toEqual(['a', 'b', 'c']);
    expect(report.rollbacks).toBeGreaterThan(2);
  });

  it('falls back to the exact order for a single unit the fast plan cannot apply', async () => {
    // The coalesced plan of this unit contains 'x2' in one statement with 'y'; the target refuses that pair.
    const committed: string[][] = [];
    const target: BackupTarget<string> = {
      async apply(steps) {
        for (const step of steps) {
          if (step.rows.includes('x2') && step.rows.includes('y'))
            throw Object.assign(new Error('unique'), { code: '23505' });
        }
        committed.push(steps.flatMap((s) => s.rows));
      },
    };
    const report = await applyIsolating([unit(up(C, 'x', 'x1'), up(C, 'y'), up(C, 'x', 'x2'))], target);
    expect(report.applied).toHaveLength(1);
    expect(committed).toEqual([['x1', 'y', 'x2']]);
  });

  it('stops at a transient error and hands everything back untouched', async () => {
    const { target, committed } = fakeTarget(new Set(), new Set(['a']));
    const units = [unit(up(C, 'a')), unit(up(C, 'b'))];
    const report = await applyIsolating(units, target);
    expect(report.held).toEqual(units);
    expect(committed).toEqual([]);
    expect(isTransientError(report.heldError)).toBe(true);
  });
});

describe('error classification and retry policy', () => {
  it('tells an unreachable backup from rows it rejects, through wrapped causes', () => {
    const wrapped = (code: string) =>
      new Error('Failed query', { cause: Object.assign(new Error('x'), { code }) });
    for (const code of ['ECONNREFUSED', '57P01', '08006', 'CONNECT_TIMEOUT', '40001', '53300']) {
      expect(isTransientError(wrapped(code)), code).toBe(true);
    }
    for (const code of ['23505', '23503', '23514', '42P01', '22P02'])
      expect(isTransientError(wrapped(code)), code).toBe(false);
    expect(isTransientError(new MultiDbError('NoPrimaryKey', 'x'))).toBe(false);
  });

  it('retries 3 times with 100/500/2000 ms, and repeats the last delay during an outage', () => {
    const policy = new RetryPolicy();
    expect([1, 2, 3, 4].map((n) => policy.retryDelay(n))).toEqual([100, 500, 2000, undefined]);
    expect([1, 2, 3, 9].map((n) => policy.outageDelay(n))).toEqual([100, 500, 2000, 2000]);
  });

  it('one retry settlement for the queue and the drainer: retry until the delays run out, then give up', () => {
    const book = new RetryBook([100, 500]);
    expect(book.reject(7, new Error('a'), 1000)).toEqual({ attempts: 1, delay: 100 });
    expect(book.get(7)).toMatchObject({ attempts: 1, notBefore: 1100 });
    expect(book.nextDue(1050)).toBe(50);
    expect(book.reject(7, new Error('b'), 1100)).toEqual({ attempts: 2, delay: 500 });
    expect(book.reject(7, new Error('c'), 1600)).toEqual({ attempts: 3, delay: undefined });
    expect(book.get(7)).toBeUndefined();
    expect([book.outage(), book.outage(), book.outage()]).toEqual([100, 500, 500]);
    expect(book.outages).toBe(3);
    book.reachable();
    expect(book.outage()).toBe(100);
  });

  it('jitter shortens each delay by up to its share, at random (injected)', () => {
    const draws = [0, 0.5, 1];
    const policy = new RetryPolicy([1000, 2000], 0.2, () => draws.shift() ?? 0);
    expect([policy.retryDelay(1), policy.retryDelay(2), policy.outageDelay(5)]).toEqual([1000, 1800, 1600]);
    expect(policy.retryDelay(3)).toBeUndefined();
  });
});
