import type { ReadIntent } from '@multidb/config';
import { drizzle } from 'drizzle-orm/pglite';
import { describe, expect, test } from 'vitest';
import { RouterNode } from '../src/nodes/router-node.js';
import { createBalancer } from '../src/routing/balancer.js';
import { RoutePlanner } from '../src/routing/route-planner.js';

// Routing decisions without a database: drizzle.mock() nodes whose health and lag the test sets directly.
const hysteresis = { failuresToDown: 1, successesToUp: 1 };
const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });

function makeNode(
  index: number,
  name: string,
  role: 'primary' | 'replica' | 'dr',
  intents: readonly ReadIntent[] = ['read', 'analytics', 'background'],
): RouterNode {
  const node = new RouterNode(
    { name, role, source: drizzle.mock(), positionSource: undefined, intents, weight: 1 },
    index,
    hysteresis,
    {},
  );
  node.lagOk = true;
  node.inRecovery = role !== 'primary';
  node.position = 1000n;
  return node;
}

function topology() {
  const nodes = [
    makeNode(0, 'primary', 'primary'),
    makeNode(1, 'read-1', 'replica', ['read']),
    makeNode(2, 'read-2', 'replica', ['read']),
    makeNode(3, 'reports', 'replica', ['analytics']),
    makeNode(4, 'jobs', 'replica', ['background', 'read']),
    makeNode(5, 'dr', 'dr'),
  ];
  const planner = new RoutePlanner(nodes, createBalancer('round-robin'), true);
  const byName = (name: string) => nodes.find((n) => n.name === name) as RouterNode;
  const down = (...names: string[]) => {
    for (const name of names) byName(name).health.recordFailure(0, refused, true);
    planner.invalidate();
  };
  const picks = (intent: ReadIntent, n = 4, required?: bigint) =>
    [...new Set(Array.from({ length: n }, () => planner.pick(intent, required).name))].sort();
  return { nodes, planner, byName, down, picks };
}

describe('routing table', () => {
  test('read goes to the healthy replicas that serve read, in turn', () => {
    const { picks } = topology();
    expect(picks('read', 6)).toEqual(['jobs', 'read-1', 'read-2']);
  });

  test('analytics/background prefer their tagged replicas', () => {
    const { picks } = topology();
    expect(picks('analytics')).toEqual(['reports']);
    expect(picks('background')).toEqual(['jobs']);
  });

  test('analytics falls back to read replicas, then the primary', () => {
    const { picks, down } = topology();
    down('reports');
    expect(picks('analytics', 6)).toEqual(['jobs', 'read-1', 'read-2']);
    down('read-1', 'read-2', 'jobs');
    expect(picks('analytics')).toEqual(['primary']);
  });

  test('DR serves only when nothing better is healthy', () => {
    const { picks, down } = topology();
    down('read-1', 'read-2', 'jobs');
    expect(picks('read')).toEqual(['primary']);
    down('primary');
    expect(picks('read')).toEqual(['dr']);
  });

  test('a lagging replica is skipped until it catches up', () => {
    const { picks, byName, planner } = topology();
    byName('read-1').lagOk = false;
    byName('jobs').lagOk = false;
    planner.invalidate();
    expect(picks('read')).toEqual(['read-2']);
    byName('read-1').lagOk = true;
    planner.invalidate();
    expect(picks('read')).toEqual(['read-1', 'read-2']);
  });

  test('with the primary down, stale replicas serve rather than nothing (after DR), balanced among them', () => {
    const { planner, picks, byName, down } = topology();
    for (const name of ['read-1', 'read-2', 'jobs']) byName(name).lagOk = false;
    down('primary', 'dr');
    expect(picks('read', 6)).toEqual(['jobs', 'read-1', 'read-2']);
    expect(planner.alternative('read', undefined, byName('read-1'))?.name).not.toBe('read-1');
  });

  test('every fallback set is balanced by the strategy, not walked in order', () => {
    const { planner, byName, down } = topology();
    // Primary down: the replicas' lag is unknown (stale), the read load spreads evenly over them.
    for (const name of ['read-1', 'read-2', 'jobs']) byName(name).lagOk = false;
    down('primary');
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const name = planner.pick('read', undefined).name;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    // DR comes first when it is eligible; take it out to see the stale tier.
    expect([...counts.keys()]).toEqual(['dr']);
    down('dr');
    counts.clear();
    for (let i = 0; i < 3000; i++) {
      const name = planner.pick('read', undefined).name;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['jobs', 'read-1', 'read-2']);
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThanOrEqual(150);
  });

  test('DR only: reads spread over several DR nodes by the strategy', () => {
    const nodes = [
      makeNode(0, 'primary', 'primary'),
      makeNode(1, 'read-1', 'replica', ['read']),
      makeNode(2, 'dr-1', 'dr'),
      makeNode(3, 'dr-2', 'dr'),
    ];
    const planner = new RoutePlanner(nodes, createBalancer('round-robin'), true);
    for (const node of nodes.slice(0, 2)) node.health.recordFailure(0, refused, true);
    planner.invalidate();
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const name = planner.pick('read', undefined).name;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['dr-1', 'dr-2']);
    for (const n of counts.values()) expect(Math.abs(n - 500)).toBeLessThanOrEqual(75);
  });

  test('a required position excludes replicas that have not replayed it', () => {
    const { picks, byName } = topology();
    byName('read-1').position = 5000n;
    expect(picks('read', 4, 4000n)).toEqual(['read-1']);
    expect(picks('read', 4, 6000n)).toEqual(['primary']);
    expect(picks('read', 4, 2n ** 64n)).toEqual(['primary']);
  });

  test('forced failover sends every read to the primary until restored', () => {
    const { picks, planner } = topology();
    planner.setForced(true);
    expect(picks('read')).toEqual(['primary']);
    expect(picks('analytics')).toEqual(['primary']);
    planner.setForced(false);
    expect(picks('analytics')).toEqual(['reports']);
  });

  test('the alternative after a failure is another candidate, balanced, never the failed node', () => {
    const { planner, byName } = topology();
    expect(['read-1', 'jobs']).toContain(
      planner.alternative('analytics', undefined, byName('reports'))?.name,
    );
    // Retries of reads that read-1 failed spread over the other read replicas instead of all landing on the next.
    const retries = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const name = planner.alternative('read', undefined, byName('read-1'))?.name as string;
      retries.set(name, (retries.get(name) ?? 0) + 1);
    }
    expect([...retries.keys()].sort()).toEqual(['jobs', 'read-2']);
    for (const n of retries.values()) expect(Math.abs(n - 500)).toBeLessThanOrEqual(75);
    const solo = new RoutePlanner([makeNode(0, 'primary', 'primary')], createBalancer(), true);
    expect(solo.alternative('read', undefined, solo.primary)).toBeUndefined();
  });

  test('failover accounting: primary or DR serving an intent that has replicas', () => {
    const { planner, byName } = topology();
    expect(planner.isFailover('read', byName('primary'))).toBe(true);
    expect(planner.isFailover('read', byName('read-1'))).toBe(false);
    const solo = new RoutePlanner([makeNode(0, 'primary', 'primary')], createBalancer(), true);
    expect(solo.isFailover('read', solo.primary)).toBe(false);
  });
});
