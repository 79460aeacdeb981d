import { describe, expect, it } from 'vitest';
import type { ForeignKeyInfo, TableInfo } from '../src/index.js';
import { dependencyOrder } from '../src/index.js';

const table = (name: string): TableInfo => ({
  id: JSON.stringify(['s', name]),
  schema: 's',
  name,
  display: `s.${name}`,
  sqlName: `"s"."${name}"`,
  partitioned: false,
  columns: [],
  key: undefined,
  indexes: [],
  estimatedRows: 0,
});
const fk = (from: string, to: string, deferrable = false): ForeignKeyInfo => ({
  name: `${from}_${to}`,
  from: JSON.stringify(['s', from]),
  to: JSON.stringify(['s', to]),
  columns: ['x'],
  refColumns: ['id'],
  deferrable,
});
const names = (steps: ReturnType<typeof dependencyOrder>) => steps.map((s) => s.tables.map((t) => t.name));

describe('dependencyOrder', () => {
  it('puts referenced tables first, whatever the input order', () => {
    const tables = ['lines', 'orders', 'customers', 'notes'].map(table);
    const steps = dependencyOrder(tables, [
      fk('lines', 'orders'),
      fk('orders', 'customers'),
      fk('notes', 'customers'),
    ]);
    expect(names(steps)).toEqual([['customers'], ['orders'], ['lines'], ['notes']]);
    expect(steps.every((s) => !s.cycle)).toBe(true);
  });

  it('groups a cycle into one step after what it references, and marks self references', () => {
    const tables = ['a', 'b', 'c', 'root', 'self', 'leaf'].map(table);
    const keys = [
      fk('a', 'b'),
      fk('b', 'c'),
      fk('c', 'a', true),
      fk('a', 'root'),
      fk('self', 'self'),
      fk('leaf', 'c'),
    ];
    const steps = dependencyOrder(tables, keys);
    expect(names(steps)).toEqual([['root'], ['a', 'b', 'c'], ['leaf'], ['self']]);
    expect(steps[1]?.cycle).toBe(true);
    expect(steps[1]?.cycleKeys.map((k) => k.name).sort()).toEqual(['a_b', 'b_c', 'c_a']);
    expect(steps[3]).toMatchObject({ cycle: true });
    expect(steps[2]?.cycle).toBe(false);
  });

  it('ignores foreign keys to tables outside the selection', () => {
    expect(names(dependencyOrder([table('orders')], [fk('orders', 'customers')]))).toEqual([['orders']]);
  });
});
