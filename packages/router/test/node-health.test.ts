import { describe, expect, test } from 'vitest';
import { NodeHealth } from '../src/health/node-health.js';

const refused = Object.assign(new Error('connect ECONNREFUSED postgres://app:hunter2@db:5432/app'), {
  code: 'ECONNREFUSED',
});

describe('hysteresis', () => {
  test('N consecutive failures take a node down, one is not enough', () => {
    const health = new NodeHealth({ failuresToDown: 3, successesToUp: 2 });
    expect(health.recordFailure(1000, refused, true)).toBe(false);
    expect(health.recordFailure(2000, refused, true)).toBe(false);
    expect(health.healthy).toBe(true);
    expect(health.recordFailure(3000, refused, true)).toBe(true);
    expect(health.healthy).toBe(false);
    expect(health.consecutiveFailures).toBe(3);
    expect(health.lastCheckAt).toBe(3000);
    expect(health.downCount).toBe(1);
  });

  test('a success in between resets the count', () => {
    const health = new NodeHealth({ failuresToDown: 2, successesToUp: 2 });
    health.recordFailure(1, refused, true);
    health.recordProbeSuccess(2, 1);
    health.recordFailure(3, refused, true);
    expect(health.healthy).toBe(true);
    health.recordFailure(4, refused, false);
    expect(health.healthy).toBe(false);
  });

  test('M consecutive successful probes bring it back; a real query success alone does not', () => {
    const health = new NodeHealth({ failuresToDown: 1, successesToUp: 3 });
    health.recordFailure(1, refused, true);
    health.recordQuerySuccess();
    expect(health.healthy).toBe(false);
    expect(health.recordProbeSuccess(2, 4)).toBe(false);
    expect(health.recordProbeSuccess(3, 4)).toBe(false);
    health.recordFailure(4, refused, true);
    expect(health.recordProbeSuccess(5, 4)).toBe(false);
    expect(health.recordProbeSuccess(6, 4)).toBe(false);
    expect(health.recordProbeSuccess(7, 4)).toBe(true);
    expect(health.healthy).toBe(true);
    expect(health.consecutiveSuccesses).toBe(3);
  });

  test('a real query success breaks a run of failures', () => {
    const health = new NodeHealth({ failuresToDown: 2, successesToUp: 1 });
    health.recordFailure(1, refused, false);
    health.recordQuerySuccess();
    health.recordFailure(2, refused, false);
    expect(health.healthy).toBe(true);
  });

  test('latency is a moving average of probes; passive failures do not touch lastCheckAt', () => {
    const health = new NodeHealth({ failuresToDown: 2, successesToUp: 1 });
    health.recordProbeSuccess(10, 10);
    health.recordProbeSuccess(20, 20);
    expect(health.latencyMs).toBeCloseTo(13);
    health.recordFailure(30, refused, false);
    expect(health.lastCheckAt).toBe(20);
  });

  test('the last error is redacted', () => {
    const health = new NodeHealth({ failuresToDown: 1, successesToUp: 1 });
    health.recordFailure(1, refused, true);
    expect(health.lastError).toContain('ECONNREFUSED');
    expect(health.lastError).not.toContain('hunter2');
  });
});
