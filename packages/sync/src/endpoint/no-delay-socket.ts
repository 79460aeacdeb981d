import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

interface SocketTarget {
  readonly host: readonly string[];
  readonly port: readonly number[];
  readonly path?: string | false;
}

/**
 * postgres.js `socket` option: a TCP connection with Nagle's algorithm off. With it on, the small message that
 * ends a COPY waits for the server's delayed ACK (~40 ms on Linux) behind the data, once per chunk; the server
 * side already sets TCP_NODELAY. Tries each host in turn, like postgres.js does.
 */
export async function noDelaySocket(options: SocketTarget): Promise<Socket> {
  if (options.path) {
    const socket = connect(options.path);
    await once(socket, 'connect');
    return socket;
  }
  let lastError: unknown;
  for (const [index, host] of options.host.entries()) {
    const socket = connect({ host, port: options.port[index] ?? options.port[0] ?? 5432, noDelay: true });
    try {
      await once(socket, 'connect');
      return socket;
    } catch (error) {
      lastError = error;
      socket.destroy();
    }
  }
  throw lastError;
}
