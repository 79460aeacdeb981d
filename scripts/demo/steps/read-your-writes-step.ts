import { redactText } from '@multidb/config';
import { type AppRouter, organizations } from '@multidb/example-app';
import { createReadYourWrites } from '@multidb/trpc/client';
import { createTRPCClient, httpLink } from '@trpc/client';
import { API_URL } from '../app-client.js';
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
  /** The same read by a client with the helper, which sends the token in the `x-db-consistency` header. */
  readonly withToken: { readonly node: string | undefined; readonly sawWrite: boolean };
  /** With the token again, once the replicas have replayed past it. */
  readonly afterCatchUp: { readonly node: string | undefined; readonly sawWrite: boolean };
}

const REPLICAS = ['replica-1', 'replica-2'];

/**
 * Replicas lag (replay paused); a `@trpc/client` with the read-your-writes helper (`@multidb/trpc/client`)
 * creates a client and reads it back in the next request. A client without the helper gets "not found" from a
 * lagging replica; the helper remembered the token of the mutation's response and sends it, so its read goes
 * where the write is visible. Runs without background traffic, so router metrics tell which node served each
 * read.
 */
export async function readYourWritesStep(ctx: StoryContext): Promise<StepOutcome<ReadYourWritesFigures>> {
  const { app, env, narrator } = ctx;
  const paused = env.replicas.filter((r) => REPLICAS.includes(r.spec.name));
  await Promise.all(paused.map((r) => r.pauseReplay()));
  narrator.detail(`paused replay on ${REPLICAS.join(' and ')}: changes arrive but are not applied`);
  const [org] = await app.router.$primary.select({ id: organizations.id }).from(organizations).limit(1);

  // One user session with the helper, and a plain client (no helper) to show what the lag does.
  const session = createReadYourWrites({ fetch: app.api.fetch });
  const api = createTRPCClient<AppRouter>({ links: [httpLink({ url: API_URL, ...session.link })] });
  const plain = createTRPCClient<AppRouter>({ links: [httpLink({ url: API_URL, fetch: app.api.fetch })] });

  let id = '';
  let failure: string | undefined;
  try {
    const input = {
      organizationId: org?.id ?? '',
      name: 'Written just now',
      externalRef: `ryw-${Date.now()}`,
    };
    id = (await api.client.create.mutate(input)).id;
  } catch (error) {
    failure = redactText(String(error));
  }
  const created = { ok: failure === undefined, token: await session.store.current() };
  narrator.detail(
    failure === undefined
      ? `POST /trpc/client.create → 200; the client helper kept its response header x-db-consistency: ${created.token}`
      : `POST /trpc/client.create failed: ${failure}`,
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

  const read = async (client: typeof api) => {
    const before = servedReads(app.router);
    const row = await client.client.byId.query({ id }).catch(() => null);
    const node = servingNode(before, servedReads(app.router), 'read');
    return { node, sawWrite: row?.id === id };
  };
  const withoutToken = await read(plain);
  narrator.detail(
    `GET client.byId from a client without the helper → served by ${withoutToken.node}: ${withoutToken.sawWrite ? 'found' : 'null (not there yet)'}`,
  );
  const withToken = await read(api);
  narrator.detail(
    `GET client.byId from the helper's client (token header sent) → served by ${withToken.node}: ${withToken.sawWrite ? 'found' : 'null'}`,
  );

  await Promise.all(paused.map((r) => r.resumeReplay()));
  const caughtUp = await waitFor(
    async () => {
      await app.router.checkHealth();
      return app.router.route('read', { token: created.token }) !== 'primary';
    },
    { timeoutMs: 15_000, intervalMs: 50 },
  );
  const afterCatchUp = await read(api);
  narrator.detail(
    `replay resumed; GET client.byId from the helper's client, same token → served by ${afterCatchUp.node}: ${afterCatchUp.sawWrite ? 'found' : 'null'}`,
  );

  const isReplica = (node: string | undefined) => node !== undefined && REPLICAS.includes(node);
  const claims: Claim[] = [
    claim(
      'ryw-stale-without-token',
      'without the token (a client without the helper), a lagging replica served the read and did not have the write (the lag is real)',
      created.ok && isReplica(withoutToken.node) && !withoutToken.sawWrite,
      `served by ${withoutToken.node}, saw the write: ${withoutToken.sawWrite}`,
    ),
    claim(
      'ryw-token-sees-write',
      'with the client helper, which sent back the token of the mutation’s response, the next request saw its write',
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
