import { PGlite } from '@electric-sql/pglite';
import { fromPglite } from '@multidb/config/pglite';
import { createDbRouter, type DbRouter } from '@multidb/router';
import { createLaggingReplica, type LaggingReplica } from '@multidb/testing';
import { initTRPC, TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { type ConsistencyCarrier, callerConsistency, createDbMiddleware } from '../src/index.js';
import { DDL, nodeInfo, notes, relational, type TestSchema } from './test-schema.js';

let pg: PGlite;
let replica: LaggingReplica<TestSchema>;
let router: DbRouter<TestSchema>;

const t = initTRPC.context<ConsistencyCarrier>().create();
const appRouter = () => {
  const procedure = t.procedure.use(createDbMiddleware(router));
  return t.router({
    add: procedure.input(z.string()).mutation(async ({ ctx, input }) => {
      const [row] = await ctx.db('write').insert(notes).values({ body: input }).returning();
      return row;
    }),
    find: procedure.input(z.string()).query(async ({ ctx, input }) => {
      const [row] = await ctx.db('read').select().from(notes).where(eq(notes.body, input));
      const [node] = await ctx.db('read').select().from(nodeInfo);
      return { row: row ?? null, servedBy: node?.name };
    }),
    fail: procedure.mutation(() => {
      throw new TRPCError({ code: 'CONFLICT', message: 'nope' });
    }),
  });
};

beforeAll(async () => {
  pg = await PGlite.create();
  await pg.exec(DDL);
  replica = await createLaggingReplica(pg, { name: 'replica', ...relational });
  await replica.pglite.query(`UPDATE node_info SET name = 'replica'`);
  router = createDbRouter<TestSchema>({
    primary: fromPglite(pg, relational),
    replicas: [{ name: 'replica', db: replica.db, positionSource: replica.positionSource }],
    health: { background: false },
    lag: { maxSeconds: Number.POSITIVE_INFINITY },
  });
});
afterAll(async () => {
  await router?.close();
  await replica?.close();
  await pg?.close();
});
beforeEach(async () => {
  replica.resume();
  await replica.catchUp();
  await router.checkHealth();
});

function caller(consistencyToken?: string) {
  const issued: string[] = [];
  const ctx: ConsistencyCarrier = { consistencyToken, setConsistencyToken: (token) => issued.push(token) };
  return { call: t.createCallerFactory(appRouter())(ctx), issued };
}

describe('createDbMiddleware', () => {
  test('a mutation issues a token with which the next request reads its write from a lagging replica', async () => {
    replica.pause();
    const first = caller();
    expect(await first.call.add('hello')).toMatchObject({ body: 'hello' });
    expect(first.issued).toHaveLength(1);
    expect(first.issued[0]).toMatch(/^v1\.[0-9a-f]{16}$/);

    // Without the token the lagging replica answers (stale); with it, the read goes where the write is.
    expect(await caller().call.find('hello')).toEqual({ row: null, servedBy: 'replica' });
    const second = caller(first.issued[0]);
    expect(await second.call.find('hello')).toMatchObject({ row: { body: 'hello' }, servedBy: 'primary' });
    expect(second.issued).toEqual([]);

    // Once the replica has replayed past the token, the same token is served by the replica.
    replica.resume();
    await replica.catchUp();
    await router.checkHealth();
    expect(await caller(first.issued[0]).call.find('hello')).toMatchObject({
      row: { body: 'hello' },
      servedBy: 'replica',
    });
  });

  test('a failed mutation issues no token; the error passes through', async () => {
    const { call, issued } = caller();
    await expect(call.fail()).rejects.toMatchObject({ code: 'CONFLICT' });
    await call.add('dup');
    await expect(call.add('dup')).rejects.toBeInstanceOf(TRPCError);
    expect(issued).toHaveLength(1);
  });

  test('forged and malformed tokens are ignored (routed as without a token), counted, never an error', async () => {
    replica.pause();
    await caller().call.add('forged');
    const before = router.getMetrics().consistency.invalidTokens;
    for (const token of ['v1.zzzz', "v1.0'; DROP TABLE notes; --", 'x'.repeat(5000), 'v2.0000000000000001']) {
      // The paused replica serves it, as it would a request without a token: a client cannot choose the primary.
      expect(await caller(token).call.find('forged')).toMatchObject({ servedBy: 'replica' });
    }
    expect(router.getMetrics().consistency.invalidTokens - before).toBe(4);
  });

  test('a context without a carrier works (in-process callers, jobs)', async () => {
    const call = t.createCallerFactory(appRouter())({});
    expect(await call.add('bare')).toMatchObject({ body: 'bare' });
  });

  test('callerConsistency: one caller reads its own writes across calls (a job, a server component)', async () => {
    replica.pause();
    const ctx = callerConsistency();
    const job = t.createCallerFactory(appRouter())(ctx);
    await job.add('job-write');
    expect(ctx.consistencyToken).toMatch(/^v1\.[0-9a-f]{16}$/);
    expect(await job.find('job-write')).toMatchObject({ row: { body: 'job-write' }, servedBy: 'primary' });
    // A caller without the token reads the lagging replica: the lag is real.
    const fresh = t.createCallerFactory(appRouter())(callerConsistency());
    expect(await fresh.find('job-write')).toEqual({ row: null, servedBy: 'replica' });
    // The token handed on (a queued job's payload, a cookie in a server component) reads the write.
    const next = t.createCallerFactory(appRouter())(callerConsistency(ctx.consistencyToken));
    expect(await next.find('job-write')).toMatchObject({ row: { body: 'job-write' }, servedBy: 'primary' });
    // A later write moves the token forward; an older one handed back never moves it back.
    const first = ctx.consistencyToken as string;
    await job.add('job-write-2');
    expect((ctx.consistencyToken as string) > first).toBe(true);
    ctx.setConsistencyToken(first);
    expect(ctx.consistencyToken).not.toBe(first);
  });
});
