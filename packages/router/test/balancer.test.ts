import type { ReadIntent } from '@multidb/config';
import { describe, expect, test } from 'vitest';
import type { NodeInfo } from '../src/index.js';
import { createBalancer } from '../src/routing/balancer.js';

function node(name: string, extra: Partial<NodeInfo> = {}): NodeInfo {
  return {
    name,
    role: 'replica',
    index: 0,
    intents: ['read'],
    weight: 1,
    healthy: true,
    latencyMs: undefined,
    lagBytes: 0,
    lagSeconds: 0,
    ...extra,
  };
}

function picks(
  strategy: Parameters<typeof createBalancer>[0],
  nodes: NodeInfo[],
  n: number,
  intent: ReadIntent = 'read',
) {
  const balancer = createBalancer(strategy);
  return Array.from({ length: n }, () => (nodes[balancer.pick(nodes, intent)] as NodeInfo).name);
}

describe('round-robin', () => {
  test('takes turns, separately per intent', () => {
    const nodes = [node('a'), node('b'), node('c')];
    const balancer = createBalancer('round-robin');
    const read = () => (nodes[balancer.pick(nodes, 'read')] as NodeInfo).name;
    const analytics = () => (nodes[balancer.pick(nodes, 'analytics')] as NodeInfo).name;
    expect([read(), read(), analytics(), read(), read(), analytics()]).toEqual([
      'a',
      'b',
      'a',
      'c',
      'a',
      'b',
    ]);
  });

  test('a single candidate is always chosen', () => {
    expect(picks('round-robin', [node('only')], 3)).toEqual(['only', 'only', 'only']);
  });
});

describe('weighted (smooth weighted round-robin)', () => {
  test('serves exactly in proportion to the weights, interleaved', () => {
    const nodes = [node('big', { weight: 3 }), node('small', { weight: 1 })];
    const sequence = picks('weighted', nodes, 8);
    expect(sequence.filter((n) => n === 'big')).toHaveLength(6);
    expect(sequence.slice(0, 4)).toEqual(['big', 'big', 'small', 'big']);
  });

  test('equal weights alternate', () => {
    expect(picks('weighted', [node('a'), node('b')], 4)).toEqual(['a', 'b', 'a', 'b']);
  });
});

describe('least-latency', () => {
  test('picks the fastest node', () => {
    const nodes = [
      node('slow', { latencyMs: 30 }),
      node('fast', { latencyMs: 2 }),
      node('mid', { latencyMs: 9 }),
    ];
    expect(picks('least-latency', nodes, 3)).toEqual(['fast', 'fast', 'fast']);
  });

  test('tries unmeasured nodes first and shares ties', () => {
    const nodes = [node('measured', { latencyMs: 5 }), node('new-1'), node('new-2')];
    expect(picks('least-latency', nodes, 4)).toEqual(['new-1', 'new-2', 'new-1', 'new-2']);
  });
});

describe('custom picker', () => {
  test('is called with the candidates and the intent', () => {
    const seen: string[] = [];
    const nodes = [node('a'), node('b')];
    const chosen = picks(
      (candidates, { intent }) => {
        seen.push(intent);
        return candidates.find((c) => c.name === 'b');
      },
      nodes,
      2,
      'background',
    );
    expect(chosen).toEqual(['b', 'b']);
    expect(seen).toEqual(['background', 'background']);
  });

  test('an answer that is not a candidate falls back to the first', () => {
    expect(picks(() => node('stranger'), [node('a'), node('b')], 2)).toEqual(['a', 'a']);
  });
});
