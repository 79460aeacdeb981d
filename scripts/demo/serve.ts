import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createOpsHandler, type DriftRecorder, driftRecorder } from '@multidb/router';
import { checkDrift } from '@multidb/sync';
import type { StoryContext } from './story-context.js';
import { sleep, waitFor } from './timing.js';

/** `pnpm demo --serve`: the ops page on 127.0.0.1 while the story runs, then a replica failing and coming back. */
export interface DemoServer {
  /** Starts the page once the application is up, and prints its URL (with the token) on stderr. */
  ready(ctx: StoryContext): Promise<void>;
  /** After the story and its report: keeps the page open, a replica failing and rejoining, until Ctrl-C. */
  hold(ctx: StoryContext): Promise<void>;
  close(): Promise<void>;
}

const VICTIM = 'replica-1';
/** How long the replica stays stopped, and up, in each cycle of the hold. */
const DOWN_MS = 8_000;
const UP_MS = 12_000;

/** node:http → the fetch-style handler (what a user does to mount it; see the router README). */
export function serveFetch(
  handler: (req: Request) => Promise<Response>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = `http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string') headers.set(name, value);
    handler(new Request(url, { method: req.method, headers }))
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch(() => {
        res.writeHead(500).end();
      });
  };
}

export function demoServer(port: number): DemoServer {
  const token = randomBytes(24).toString('base64url');
  const drift: DriftRecorder = driftRecorder();
  let server: Server | undefined;
  let stop: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });

  const checkOnce = async (ctx: StoryContext) => {
    const result = await checkDrift({ source: ctx.env.clients.primary, target: ctx.env.backup.handle });
    result.match(
      (report) => drift.record(report),
      (error) => drift.recordFailure(error.type),
    );
  };

  return {
    async ready(ctx) {
      const ops = createOpsHandler({
        router: ctx.app.router,
        writers: { backup: ctx.app.writer },
        drift,
        token,
        title: `multidb demo (${ctx.env.mode})`,
      });
      server = createServer(serveFetch(ops));
      await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      process.stderr.write(
        `\n   ops page: http://127.0.0.1:${bound}/?token=${token}\n` +
          `   (or send Authorization: Bearer ${token}); it stays open after the story, Ctrl-C to end\n\n`,
      );
    },
    async hold(ctx) {
      process.once('SIGINT', () => stop?.());
      process.once('SIGTERM', () => stop?.());
      await checkOnce(ctx);
      const victim = ctx.env.replicas.find((r) => r.spec.name === VICTIM) ?? ctx.env.replicas[0];
      let running = true;
      void stopped.then(() => {
        running = false;
      });
      const nap = (ms: number) => Promise.race([sleep(ms), stopped]);
      process.stderr.write(
        `   holding: ${victim?.spec.name ?? 'no replica'} fails every ${(DOWN_MS + UP_MS) / 1000} s and comes back\n`,
      );
      await ctx.workload.during(async () => {
        while (running && victim !== undefined) {
          await nap(UP_MS);
          if (!running) break;
          await victim.stop();
          await nap(DOWN_MS);
          await victim.start();
          await waitFor(() => !running || ctx.app.router.getHealthStatus().nodes.every((n) => n.healthy), {
            timeoutMs: 15_000,
          });
          await checkOnce(ctx).catch(() => undefined);
        }
      });
    },
    async close() {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
