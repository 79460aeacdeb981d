import { createServer } from 'node:net';

/** A loopback port that counts connection attempts and resets each one: "nothing connected" made observable. */
export interface ConnectionCounter {
  readonly port: number;
  /** Connection attempts so far. */
  readonly attempts: number;
  /** `postgres://user:password@127.0.0.1:PORT/database`. */
  url(database: string, credentials: string): string;
  close(): Promise<void>;
}

/**
 * Starts a connection counter on 127.0.0.1. Attempts are reset (RST), not closed cleanly: on a clean close
 * postgres.js 3.4.9 reconnects forever (porsager/postgres#1193).
 */
export async function startConnectionCounter(): Promise<ConnectionCounter> {
  let attempts = 0;
  const server = createServer((socket) => {
    attempts++;
    socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    get attempts() {
      return attempts;
    },
    url: (database, credentials) => `postgres://${credentials}@127.0.0.1:${port}/${database}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
