import { redactingLogger } from '@multidb/config';
import { describe, expect, it } from 'vitest';
import { OutboxGauge } from '../src/outbox/outbox-gauge.js';
import type { OutboxStatus, OutboxStore } from '../src/outbox/outbox-store.js';

/** A store whose `status()` answers from a script: a status, or an error to throw. */
function scriptedStore(answers: (OutboxStatus | Error)[]) {
  let calls = 0;
  const store = {
    async status(): Promise<OutboxStatus> {
      const answer = answers[Math.min(calls++, answers.length - 1)] as OutboxStatus | Error;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as OutboxStore;
  return { store, calls: () => calls };
}

function gauge(store: OutboxStore, warnings: string[] = [], refreshMs = 5) {
  let now = 1000;
  const g = new OutboxGauge(store, {
    refreshMs,
    logger: redactingLogger({ warn: (m) => warnings.push(m), error() {} }),
    now: () => now++,
  });
  return g;
}

describe('OutboxGauge', () => {
  it('keeps the last figures, with their read time, when the primary does not answer, and never rejects', async () => {
    const warnings: string[] = [];
    const { store } = scriptedStore([
      { pending: 7, exact: true, oldestAgeMs: 120 },
      new Error('connection refused'),
      new Error('connection refused'),
    ]);
    const g = gauge(store, warnings, 0);
    expect(g.reading).toEqual({ depth: 0, depthExact: true, oldestPendingAgeMs: 0, depthReadAt: undefined });
    await g.refresh();
    const first = g.reading;
    expect(first).toMatchObject({ depth: 7, oldestPendingAgeMs: 120 });
    await expect(g.refresh()).resolves.toBeUndefined();
    await expect(g.refresh()).resolves.toBeUndefined();
    expect(g.reading).toBe(first);
    // Said once, not once per refresh.
    expect(warnings).toEqual(['cannot read the outbox depth; metrics keep the last figures']);
  });

  it('refreshes on a timer until stop(), one read at a time', async () => {
    const { store, calls } = scriptedStore([{ pending: 1, exact: true, oldestAgeMs: 1 }]);
    const g = gauge(store);
    g.start();
    g.start();
    const deadline = Date.now() + 10_000;
    while (calls() < 3) {
      if (Date.now() > deadline) throw new Error('the gauge never refreshed');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await g.stop();
    const stoppedAt = calls();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls()).toBe(stoppedAt);
  });

  it('with refreshMs 0 reads only when asked', async () => {
    const { store, calls } = scriptedStore([{ pending: 2, exact: false, oldestAgeMs: 3 }]);
    const g = gauge(store, [], 0);
    g.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls()).toBe(0);
    await g.refresh();
    expect(g.reading).toMatchObject({ depth: 2, depthExact: false, oldestPendingAgeMs: 3 });
  });
});
