import { describe, expect, test } from 'vitest';
import { LagTracker } from '../src/lag/lag-tracker.js';

const MINUTE = 60_000;
const standby = (replayPosition: bigint | undefined, receiving: boolean | 'hidden' = true) =>
  ({ role: 'standby', replayPosition, receiving: receiving === 'hidden' ? undefined : receiving }) as const;

describe('lag from positions', () => {
  test('bytes = primary write position - replica replay position', () => {
    const lag = new LagTracker(10_000);
    lag.recordPrimary(0, 5000n);
    expect(lag.estimate(0, standby(3000n))).toEqual({ state: 'streaming', bytes: 2000, seconds: 0 });
  });

  test('idle primary: a caught-up replica has lag 0 however long nothing was written', () => {
    const lag = new LagTracker(10_000);
    lag.recordPrimary(0, 5000n);
    for (let t = MINUTE; t <= 60 * MINUTE; t += MINUTE) lag.recordPrimary(t, 5000n);
    expect(lag.estimate(60 * MINUTE, standby(5000n))).toEqual({ state: 'streaming', bytes: 0, seconds: 0 });
  });

  test('seconds: how long the primary has been known to be past the replay position', () => {
    const lag = new LagTracker(10_000);
    lag.recordPrimary(0, 1000n);
    lag.recordPrimary(2000, 1000n);
    lag.recordPrimary(4000, 1500n);
    lag.recordPrimary(6000, 1800n);
    lag.recordPrimary(9000, 2000n);
    expect(lag.estimate(9000, standby(1000n)).seconds).toBe(5);
    expect(lag.estimate(9000, standby(1600n)).seconds).toBe(3);
    expect(lag.estimate(9500, standby(2000n)).seconds).toBe(0);
  });

  test('a disconnected WAL receiver: lag measured against the primary (grows with its writes), never read off the replica', () => {
    const lag = new LagTracker(10_000);
    lag.recordPrimary(0, 5000n);
    // Nothing written since the receiver went away: the replica has everything.
    expect(lag.estimate(0, standby(5000n, false))).toEqual({ state: 'disconnected', bytes: 0, seconds: 0 });
    // The primary moves on; the replica's replay position does not.
    lag.recordPrimary(2000, 5600n);
    lag.recordPrimary(4000, 6000n);
    expect(lag.estimate(4000, standby(5000n, false))).toEqual({
      state: 'disconnected',
      bytes: 1000,
      seconds: 2,
    });
    // A stale primary position makes it unknown, as for a streaming replica.
    expect(lag.estimate(20_000, standby(5000n, false))).toEqual({
      state: 'disconnected',
      bytes: null,
      seconds: null,
    });
  });

  test('unknown when the primary position is stale, missing, or the receiver is not visible', () => {
    const lag = new LagTracker(10_000);
    expect(lag.estimate(0, standby(10n))).toEqual({ state: 'streaming', bytes: null, seconds: null });
    lag.recordPrimary(0, 100n);
    expect(lag.estimate(20_000, standby(100n)).bytes).toBeNull();
    expect(lag.estimate(0, standby(100n, 'hidden')).state).toBe('unknown');
    expect(lag.estimate(0, standby(undefined)).bytes).toBeNull();
  });

  test('a replica that is not in recovery has unknown lag', () => {
    const lag = new LagTracker(10_000);
    lag.recordPrimary(0, 100n);
    const sample = { role: 'primary', writePosition: 100n, insertPosition: 100n } as const;
    expect(lag.estimate(0, sample)).toEqual({ state: 'not-in-recovery', bytes: null, seconds: null });
  });

  test('a primary position going backwards (another server) restarts the history', () => {
    const lag = new LagTracker(10_000);
    lag.recordPrimary(0, 9000n);
    lag.recordPrimary(1000, 200n);
    expect(lag.primaryPosition).toBe(200n);
    expect(lag.estimate(1000, standby(100n))).toEqual({ state: 'streaming', bytes: 100, seconds: 0 });
  });
});
