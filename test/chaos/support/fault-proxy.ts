import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/**
 * - `pass`: bytes flow both ways untouched.
 * - `latency`: every chunk is delivered `latencyMs` late (per direction, order kept).
 * - `blackhole`: new connections are accepted and never answered (nothing reaches the server); open connections
 *   freeze (their bytes are held, like packets a firewall drops and TCP retransmits after the network heals).
 * - `reset`: open connections are reset (RST) and new ones reset as soon as they are accepted.
 */
export type FaultMode = 'pass' | 'latency' | 'blackhole' | 'reset';

export interface FaultProxyStats {
  readonly accepted: number;
  readonly blackholed: number;
  readonly reset: number;
}

export interface FaultProxy {
  readonly port: number;
  readonly mode: FaultMode;
  readonly stats: FaultProxyStats;
  /** `url` with its host and port replaced by the proxy's. */
  proxiedUrl(url: string): string;
  setMode(mode: FaultMode, options?: { readonly latencyMs?: number }): void;
  /** Back to `pass`: frozen connections deliver what they held; swallowed ones are closed. */
  heal(): void;
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  readonly server: Socket;
  /** Chunks held while frozen, per destination. */
  readonly held: { readonly to: Socket; readonly chunk: Buffer }[];
  /** Per direction: when the last delayed chunk is due, so later chunks never overtake it. */
  readonly due: Map<Socket, number>;
}

/** A loopback TCP proxy in front of one server whose faults the test switches at will. */
export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let mode: FaultMode = 'pass';
  let latencyMs = 0;
  const stats = { accepted: 0, blackholed: 0, reset: 0 };
  const pairs = new Set<Pair>();
  const swallowed = new Set<Socket>();

  const write = (to: Socket, chunk: Buffer) => {
    if (!to.destroyed) to.write(chunk);
  };
  const deliver = (pair: Pair, to: Socket, chunk: Buffer) => {
    if (mode === 'blackhole') {
      pair.held.push({ to, chunk });
      return;
    }
    const now = performance.now();
    const last = pair.due.get(to) ?? 0;
    const delay = mode === 'latency' ? latencyMs : 0;
    if (delay <= 0 && last <= now) {
      write(to, chunk);
      return;
    }
    // Chunks already delayed when the mode changes are still delivered late, in order.
    const at = Math.max(now + delay, last);
    pair.due.set(to, at);
    setTimeout(() => write(to, chunk), at - now).unref();
  };
  const resetPair = (pair: Pair) => {
    stats.reset++;
    pair.client.resetAndDestroy();
    pair.server.destroy();
    pairs.delete(pair);
  };

  const server: Server = createServer((client) => {
    stats.accepted++;
    client.on('error', () => {});
    if (mode === 'reset') {
      stats.reset++;
      client.resetAndDestroy();
      return;
    }
    if (mode === 'blackhole') {
      stats.blackholed++;
      swallowed.add(client);
      client.on('data', () => {});
      client.on('close', () => swallowed.delete(client));
      return;
    }
    const upstream = tcpConnect(target.port, target.host);
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    const pair: Pair = { client, server: upstream, held: [], due: new Map() };
    pairs.add(pair);
    // The server refused or dropped us: the client sees a reset, as it would without the proxy.
    upstream.on('error', () => client.resetAndDestroy());
    client.on('data', (chunk: Buffer) => deliver(pair, upstream, chunk));
    upstream.on('data', (chunk: Buffer) => deliver(pair, client, chunk));
    const close = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close);
    upstream.on('close', close);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');

  const proxy: FaultProxy = {
    port: address.port,
    get mode() {
      return mode;
    },
    get stats() {
      return { ...stats };
    },
    proxiedUrl(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(address.port);
      return parsed.toString();
    },
    setMode(next, options = {}) {
      mode = next;
      latencyMs = options.latencyMs ?? latencyMs;
      if (next === 'reset') for (const pair of [...pairs]) resetPair(pair);
      if (next === 'pass' || next === 'latency') {
        for (const pair of pairs) for (const { to, chunk } of pair.held.splice(0)) deliver(pair, to, chunk);
        for (const socket of swallowed) socket.destroy();
      }
    },
    heal() {
      proxy.setMode('pass', { latencyMs: 0 });
    },
    async close() {
      for (const pair of [...pairs]) {
        pair.client.destroy();
        pair.server.destroy();
      }
      for (const socket of swallowed) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
