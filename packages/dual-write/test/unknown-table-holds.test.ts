import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../src/outbox/outbox-store.js';
import { outboxUnits } from '../src/outbox/outbox-units.js';
import { UnknownTableHolds } from '../src/outbox/unknown-table-holds.js';
import { TableRegistry } from '../src/table-registry.js';
import { counters, orderLines, orders } from './support/schema.js';

let nextId = 1;
function entry(tableName: string, txId: string, key = `[${nextId}]`): OutboxEntry {
  return { id: nextId++, txId, tableName, op: 'upsert', entityKey: key, rowData: '{}' };
}

function setup() {
  let now = 0;
  const registry = new TableRegistry({ schema: { counters, orders, orderLines } });
  const holds = new UnknownTableHolds(registry, () => now);
  const decide = (entries: OutboxEntry[]) => {
    const { units, unknown } = outboxUnits(entries, registry, now);
    const decision = holds.decide(units, unknown);
    return { ...decision, free: decision.free.map((u) => u.changes.map((c) => c.table.name)) };
  };
  return { holds, decide, advance: (ms: number) => (now += ms) };
}

describe('UnknownTableHolds', () => {
  it('holds the unknown table, its Drizzle children (transitively) and tables sharing its transactions', () => {
    const { holds, decide } = setup();
    const decision = decide([
      entry('dw.accounts', '1'),
      entry('dw.order_lines', '2'),
      entry('public.counters', '3'),
      entry('dw.accounts', '4'),
    ]);
    // order_lines -> orders -> accounts: held although orders has no entry here.
    expect(decision.free).toEqual([['public.counters']]);
    expect(decision.heldEntries).toBe(3);
    expect(decision.error).toMatchObject({ code: 'UnknownOutboxTable', context: { tables: 'dw.accounts' } });
    expect(decision.error?.message).toMatch(/draining process.*same `schema`/s);
    expect(holds.skipTables().sort()).toEqual(['dw.accounts', 'dw.order_lines']);
    expect(holds.holding).toBe(true);

    // A transaction that wrote counters together with a held table holds counters too, even an earlier unit.
    const mixed = decide([
      entry('public.counters', '5'),
      entry('public.counters', '6'),
      entry('dw.accounts', '6'),
    ]);
    expect(mixed.free).toEqual([]);
    expect(holds.skipTables()).toContain('public.counters');
  });

  it('looks again after 10 s: a table whose entries are gone is no longer skipped', () => {
    const { holds, decide, advance } = setup();
    decide([entry('dw.accounts', '1'), entry('public.counters', '2')]);
    expect(holds.skipTables()).toEqual(['dw.accounts']);
    advance(9_999);
    expect(holds.skipTables()).toEqual(['dw.accounts']);
    advance(1);
    expect(holds.skipTables()).toEqual([]);
    expect(holds.holding).toBe(false);
    const clean = decide([entry('public.counters', '3')]);
    expect(clean).toMatchObject({ free: [['public.counters']], heldEntries: 0, error: undefined });
  });

  it('logs when the unknown tables change, else once a minute', () => {
    const { holds, decide, advance } = setup();
    const error = () => decide([entry('dw.accounts', String(nextId))]).error;
    const first = error();
    if (first === undefined) throw new Error('no error');
    expect(holds.shouldLog(first)).toBe(true);
    expect(holds.shouldLog(first)).toBe(false);
    advance(60_000);
    expect(holds.shouldLog(first)).toBe(true);
    const other = decide([entry('dw.elsewhere', 'x')]).error;
    if (other === undefined) throw new Error('no error');
    expect(holds.shouldLog(other)).toBe(true);
  });
});
