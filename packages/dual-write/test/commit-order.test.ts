import { redactingLogger, silentLogger, systemClock } from '@multidb/config';
import { describe, expect, it } from 'vitest';
import type { BackupTarget, Change, Step } from '../src/apply/change.js';
import { CommitOrder } from '../src/capture/commit-order.js';
import { TransactionScope } from '../src/capture/transaction-scope.js';
import { memoryContext } from '../src/capture/writer-contexts.js';
import { outboxNames } from '../src/outbox/outbox-schema.js';
import { BackupQueue } from '../src/queue/backup-queue.js';
import { DeadLetterStore } from '../src/queue/dead-letters.js';
import { MetricCounters } from '../src/queue/metrics.js';
import { OverflowLedger } from '../src/queue/overflow-ledger.js';
import { RetryBook } from '../src/retry/retry-book.js';
import type { TableMeta } from '../src/table-meta.js';
import { TableRegistry } from '../src/table-registry.js';
import { counters, schema } from './support/schema.js';

// Pure ordering logic (no database): results that reach JavaScript out of commit order are applied in commit
// order, and nothing is applied while a statement that could precede it is still in flight.

const table = new TableRegistry({ schema }).meta(counters) as TableMeta;

function change(id: number, note: string, op: 'upsert' | 'delete' = 'upsert'): Change<string> {
  return { table, op, key: `${table.name}:["${id}"]`, row: JSON.stringify({ id: String(id), note }) };
}

function setup(maxWaitMs = 60_000) {
  const applied: Step<string>[][] = [];
  const target: BackupTarget<string> = {
    async apply(steps) {
      applied.push([...steps]);
    },
  };
  const logger = redactingLogger(silentLogger);
  const ledger = new OverflowLedger(1000);
  let now = 0;
  const timing = { now: () => now, sleep: systemClock.sleep };
  const order = new CommitOrder({ now: timing.now, maxWaitMs });
  const late: Change<string>[][] = [];
  const attempts: number[] = [];
  const queue = new BackupQueue({
    target,
    maxDepth: 1000,
    batchSize: 500,
    lingerMs: 0,
    retries: new RetryBook([10]),
    clock: timing,
    logger,
    ledger,
    deadLetters: new DeadLetterStore({ max: 10, logger, now: timing.now, onEvict: () => {} }),
    metrics: new MetricCounters(),
    order,
    reread: (changes, attempt) => {
      late.push([...changes]);
      attempts.push(attempt);
    },
  });
  const rows = () => applied.flatMap((steps) => steps.flatMap((s) => s.rows.map((r) => `${s.op} ${r}`)));
  return {
    queue,
    order,
    applied,
    rows,
    late,
    attempts,
    ledger,
    logger,
    advance: (ms: number) => (now += ms),
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('commit order in memory mode', () => {
  it('holds a newer result while an older statement is in flight, then applies both in version order', async () => {
    const { queue, order, rows } = setup();
    order.seen(100);
    const older = order.begin(); // floor 100: started when 100 was the newest version seen
    const newer = order.begin();
    // The newer statement's result reaches JavaScript first.
    order.seen(300);
    queue.enqueue([change(1, 'second')], { version: 300 });
    order.end(newer);
    await tick();
    expect(rows(), 'nothing may be applied while an older statement is in flight').toEqual([]);
    queue.enqueue([change(1, 'first')], { version: 200 });
    order.end(older);
    expect(await queue.flush(2000)).toBe(true);
    // Coalesced in commit order: the row's last committed state wins.
    expect(rows()).toEqual([`upsert ${JSON.stringify({ id: '1', note: 'second' })}`]);
  });

  it('applies units at or below the watermark while a later statement is still in flight', async () => {
    const { queue, order, rows } = setup();
    order.seen(100);
    queue.enqueue([change(1, 'a')], { version: 100 });
    const running = order.begin(); // floor 100: cannot return anything at or below 100
    expect(await queue.flush(2000)).toBe(true);
    expect(rows()).toEqual([`upsert ${JSON.stringify({ id: '1', note: 'a' })}`]);
    order.end(running);
  });

  it('a transaction COMMIT in flight holds everything newer than its lowest row version', async () => {
    const { queue, order, rows } = setup();
    order.seen(50);
    const commit = order.begin(49); // its rows have versions 50..60
    queue.enqueue([change(2, 'after the tx')], { version: 70 });
    await tick();
    expect(rows()).toEqual([]);
    queue.enqueue([change(2, 'tx'), change(3, 'tx')], { version: 60 });
    order.end(commit);
    expect(await queue.flush(2000)).toBe(true);
    expect(rows().sort()).toEqual([
      `upsert ${JSON.stringify({ id: '2', note: 'after the tx' })}`,
      `upsert ${JSON.stringify({ id: '3', note: 'tx' })}`,
    ]);
  });

  it('a statement past maxOrderWaitMs stops holding the backup; what it returns later is handed over as late', async () => {
    const { queue, order, rows, late, advance } = setup(1000);
    order.seen(10);
    const hung = order.begin();
    queue.enqueue([change(4, 'newer')], { version: 20 });
    await tick();
    expect(rows()).toEqual([]);
    advance(1001);
    expect(await queue.flush(2000)).toBe(true);
    expect(rows()).toEqual([`upsert ${JSON.stringify({ id: '4', note: 'newer' })}`]);
    // The hung statement finally returns an older version of the same row: not applied over the newer one.
    queue.enqueue([change(4, 'older')], { version: 15 });
    order.end(hung);
    expect(await queue.flush(2000)).toBe(true);
    expect(late).toHaveLength(1);
    expect(rows()).toHaveLength(1);
  });

  it('a committed transaction below what was already applied is applied as captured, not re-read', async () => {
    // Its COMMIT held the watermark below its rows; autocommit writes of OTHER rows went past while it was open.
    const { queue, order, rows, late, ledger, logger } = setup();
    const registry = new TableRegistry({ schema });
    const context = memoryContext({ registry, outbox: outboxNames(), logger }, queue, order);
    const scope = TransactionScope.root();
    order.seen(50);
    scope.add([change(6, 'tx')], 50, 50);
    queue.enqueue([change(7, 'autocommit, other row')], { version: 80 });
    expect(await queue.flush(2000)).toBe(true);
    const settle = context.committing(scope);
    settle(true);
    expect(await queue.flush(2000)).toBe(true);
    expect(late, 'not handed over to be re-read').toEqual([]);
    expect(rows()).toContain(`upsert ${JSON.stringify({ id: '6', note: 'tx' })}`);
    expect(ledger.summary().keys).toBe(0);
  });

  it('a transaction whose COMMIT outlived maxOrderWaitMs is late', async () => {
    const { queue, order, late, logger, advance } = setup(1000);
    const registry = new TableRegistry({ schema });
    const context = memoryContext({ registry, outbox: outboxNames(), logger }, queue, order);
    const scope = TransactionScope.root();
    order.seen(50);
    scope.add([change(8, 'tx')], 50, 50);
    const settle = context.committing(scope);
    advance(1001);
    queue.enqueue([change(8, 'newer')], { version: 90 });
    expect(await queue.flush(2000)).toBe(true);
    settle(true);
    expect(late).toHaveLength(1);
  });

  it('a re-read is applied unless a write enqueued after it was sent may be newer than its snapshot', async () => {
    const { queue, order, rows, late, attempts } = setup();
    order.seen(100);
    // Enqueued before the re-read was sent: committed before its snapshot, not ambiguous.
    queue.enqueue([change(1, 'before')], { version: 90 });
    const watch = queue.watch([change(1, '').key, change(2, '').key, change(3, '').key], 1);
    const reread = order.begin();
    // Sent after the re-read, with a LOWER version than the re-read's: it may have committed after the snapshot.
    queue.enqueue([change(2, 'concurrent')], { version: 110 });
    // Sent after, with a higher version: ordered after the re-read anyway.
    queue.enqueue([change(3, 'newer')], { version: 130 });
    queue.enqueue([change(1, 'reread'), change(2, 'stale?'), change(3, 'reread')], {
      force: true,
      version: 120,
      lateCheck: order.expired(reread),
      reread: watch,
    });
    order.end(reread);
    expect(await queue.flush(2000)).toBe(true);
    expect(late.map((changes) => changes.map((c) => c.key))).toEqual([[change(2, '').key]]);
    expect(attempts).toEqual([2]);
    const final = new Map(rows().map((r) => [JSON.parse(r.slice(r.indexOf(' ') + 1)).id, r]));
    expect(final.get('1')).toContain('reread');
    expect(final.get('2'), 'the possibly stale re-read is not applied').toContain('concurrent');
    expect(final.get('3')).toContain('newer');
  });
});
