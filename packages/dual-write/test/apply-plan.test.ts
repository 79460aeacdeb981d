import { MultiDbError } from '@multidb/config';
import { describe, expect, it } from 'vitest';
import { coalescedPlan, exactPlan, parentsFirst } from '../src/apply/apply-plan.js';
import type { BackupTarget, Change, ChangeUnit, Step } from '../src/apply/change.js';
import { isTransientError } from '../src/apply/error-kind.js';
import { applyIsolating } from '../src/apply/isolating-apply.js';
import { RetryPolicy } from '../src/queue/retry-policy.js';
import { selectRunnable } from '../src/queue/unit-scheduler.js';
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

  it('a delete followed by a re-insert of the same row is an upsert', () => {
    expect(
      shape(coalescedPlan([unit(up(C, 'c1', 'v1')), unit(del(C, 'c1')), unit(up(C, 'c1', 'v3'))])),
    ).toEqual(['upsert counters: v3']);
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
    expect(() => new RetryPolicy([-1])).toThrow(MultiDbError);
  });
});
