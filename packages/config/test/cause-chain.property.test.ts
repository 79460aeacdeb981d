import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { causeChain, findCause, innermostErrorCode, ownErrorCode } from '../src/index.js';

/** `count` errors, linked by `cause` and `errors` as the arbitrary picks (cycles and self-loops included). */
const graph = fc.integer({ min: 1, max: 40 }).chain((count) =>
  fc.record({
    count: fc.constant(count),
    causes: fc.array(fc.option(fc.nat(count - 1)), { minLength: count, maxLength: count }),
    members: fc.array(fc.array(fc.nat(count - 1), { maxLength: 4 }), { minLength: count, maxLength: count }),
  }),
);

describe('causeChain', () => {
  it('terminates on any graph of causes and aggregate members, each error once, bounded', () => {
    fc.assert(
      fc.property(graph, ({ count, causes, members }) => {
        const errors = Array.from({ length: count }, (_, i) =>
          Object.assign(new Error(`e${i}`), { code: `C${i}` }),
        );
        errors.forEach((e, i) => {
          const cause = causes[i];
          if (cause !== null && cause !== undefined) e.cause = errors[cause];
          if ((members[i] ?? []).length > 0)
            (e as { errors?: unknown }).errors = (members[i] ?? []).map((m) => errors[m]);
        });
        const chain = causeChain(errors[0]);
        expect(chain[0]).toBe(errors[0]);
        expect(new Set(chain).size).toBe(chain.length);
        expect(chain.length).toBeLessThanOrEqual(Math.min(count, 64));
        expect(typeof innermostErrorCode(errors[0])).toBe('string');
      }),
    );
  });

  it('follows cause before going deeper, and aggregate members', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' });
    const aggregate = new AggregateError([new Error('v6'), refused], 'connect failed');
    const wrapped = new Error('Failed query: select 1', { cause: aggregate });
    expect(causeChain(wrapped)).toEqual([wrapped, aggregate, expect.any(Error), refused]);
    expect(findCause(wrapped, (e) => ownErrorCode(e) === 'ECONNREFUSED')).toBe(refused);
    expect(innermostErrorCode(wrapped)).toBe('ECONNREFUSED');
  });

  it('stops at a depth bound on an endless chain and survives throwing getters', () => {
    const endless = { depth: 0 } as Record<string, unknown>;
    let next = endless;
    for (let i = 1; i < 1000; i++) next = next.cause = { depth: i };
    expect(causeChain(endless).length).toBeLessThanOrEqual(17);
    const hostile = new Proxy(new Error('x'), {
      get(target, key) {
        if (key === 'cause') throw new Error('no');
        return Reflect.get(target, key);
      },
    });
    expect(causeChain(hostile)).toEqual([hostile]);
    expect(causeChain(undefined)).toEqual([]);
    expect(causeChain('text')).toEqual(['text']);
  });
});
