import { organizations } from '@multidb/example-app';
import { type Claim, claim, type StepOutcome } from '../claims.js';
import { servedReads, servingNode } from '../routing-figures.js';
import type { StoryContext } from '../story-context.js';
import { waitFor } from '../timing.js';

export interface ReadYourWritesFigures {
  readonly pausedReplicas: readonly string[];
  /** Replication lag of the paused replicas when the reads ran (bytes of WAL, or the in-memory equivalent). */
  readonly lagBytes: Record<string, number | null>;
  readonly token: string | undefined;
  /** The read without the token: who served it and whether it saw the new row. */
  readonly withoutToken: { readonly node: string | undefined; readonly sawWrite: boolean };
  /** The same read with the token in the `x-db-consistency` header. */
  readonly withToken: { readonly node: string | undefined; readonly sawWrite: boolean };
  /** With the token again, once the replicas have replayed past it. */
  readonly afterCatchUp: { readonly node: string | undefined; readonly sawWrite: boolean };
}

const REPLICAS = ['replica-1', 'replica-2'];

/**
 * Replicas lag (replay paused); a client is created over HTTP and read back in the next request. Without the
 * token a lagging replica answers "not found"; with the token from the response header the read goes where the
 * write is visible. Runs without background traffic, so router metrics tell which node served each read.
 */
export async function readYourWritesStep(ctx: StoryContext): Promise<StepOutcome<ReadYourWritesFigures>> {
  const { app, env, narrator } = ctx;
  const paused = env.replicas.filter((r) => REPLICAS.includes(r.spec.name));
  await Promise.all(paused.map((r) => r.pauseReplay()));
  narrator.detail(`paused replay on ${REPLICAS.join(' and ')}: changes arrive but are not applied`);
  const [org] = await app.router.$primary.select({ id: organizations.id }).from(organizations).limit(1);

  const created = await app.api.mutation<{ id: string }>('client.create', {
    organizationId: org?.id,
    name: 'Written just now',
    externalRef: `ryw-${Date.now()}`,
  });
  const id = created.data?.id ?? '';
  narrator.detail(
    `POST /trpc/client.create → ${created.status}, response header x-db-consistency: ${created.token}`,
  );
  await app.router.checkHealth();
  const lagBytes = Object.fromEntries(
    app.router
      .getHealthStatus()
      .nodes.filter((n) => REPLICAS.includes(n.name))
      .map((n) => [n.name, n.lagBytes]),
  );
  narrator.detail(
    `replication lag now: ${Object.entries(lagBytes)
      .map(([n, b]) => `${n} ${b} bytes`)
      .join(', ')}`,
  );

  const read = async (token: string | undefined) => {
    const before = servedReads(app.router);
    const result = await app.api.query<{ id: string } | null>('client.byId', { id }, token);
    const node = servingNode(before, servedReads(app.router), 'read');
    return { node, sawWrite: result.ok && result.data?.id === id };
  };
  const withoutToken = await read(undefined);
  narrator.detail(
    `GET client.byId without the token → served by ${withoutToken.node}: ${withoutToken.sawWrite ? 'found' : 'null (not there yet)'}`,
  );
  const withToken = await read(created.token);
  narrator.detail(
    `GET client.byId with the token header → served by ${withToken.node}: ${withToken.sawWrite ? 'found' : 'null'}`,
  );

  await Promise.all(paused.map((r) => r.resumeReplay()));
  const caughtUp = await waitFor(
    async () => {
      await app.router.checkHealth();
      return app.router.route('read', { token: created.token }) !== 'primary';
    },
    { timeoutMs: 15_000, intervalMs: 50 },
  );
  const afterCatchUp = await read(created.token);
  narrator.detail(
    `replay resumed; GET client.byId with the same token → served by ${afterCatchUp.node}: ${afterCatchUp.sawWrite ? 'found' : 'null'}`,
  );

  const isReplica = (node: string | undefined) => node !== undefined && REPLICAS.includes(node);
  const claims: Claim[] = [
    claim(
      'ryw-stale-without-token',
      'without the token, a lagging replica served the read and did not have the write (the lag is real)',
      created.ok && isReplica(withoutToken.node) && !withoutToken.sawWrite,
      `served by ${withoutToken.node}, saw the write: ${withoutToken.sawWrite}`,
    ),
    claim(
      'ryw-token-sees-write',
      'with the token from the response header, the next request saw its write',
      created.ok && withToken.sawWrite,
      `served by ${withToken.node}, saw the write: ${withToken.sawWrite}`,
    ),
    claim(
      'ryw-replica-after-catch-up',
      'once the replicas replayed past the token, a replica served the token read',
      caughtUp !== undefined && isReplica(afterCatchUp.node) && afterCatchUp.sawWrite,
      `served by ${afterCatchUp.node}, saw the write: ${afterCatchUp.sawWrite}`,
    ),
  ];
  for (const c of claims) narrator.verdict(c.held, `${c.text} (${c.detail})`);
  return {
    figures: {
      pausedReplicas: REPLICAS,
      lagBytes,
      token: created.token,
      withoutToken,
      withToken,
      afterCatchUp,
    },
    claims,
  };
}
