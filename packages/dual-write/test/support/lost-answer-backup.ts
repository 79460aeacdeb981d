import type { Pair } from './pair.js';

/**
 * What the next backup transaction meets: committed but its answer lost (the socket cut after the server
 * committed), lost after its statements ran but before COMMIT (rolled back), lost before they were done (rolled
 * back), or a refused connection.
 */
export type CommitFault = 'lost-after-commit' | 'lost-before-commit' | 'lost-mid-transaction' | 'refused';

export interface FaultyBackup {
  /** The backup database to give the writer: the real one behind a proxy. */
  readonly db: Pair['backup']['db'];
  /** Arms a fault for the next backup transaction. */
  arm(fault: CommitFault): void;
  disarm(): void;
  /** The armed fault, until a transaction meets it. */
  readonly armed: CommitFault | undefined;
}

const lost = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** The backup of `pair` with faults injected around its transactions (`transaction` is all the writer uses). */
export function faultyBackup(pair: Pair): FaultyBackup {
  let armed: CommitFault | undefined;
  const db = new Proxy(pair.backup.db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'transaction') return value;
      return async (...args: unknown[]) => {
        const fault = armed;
        armed = undefined;
        if (fault === 'refused') throw refused();
        const [body, ...rest] = args as [(tx: unknown) => Promise<unknown>, ...unknown[]];
        // Lost before COMMIT: the statements ran (the transaction has its id), then the connection broke.
        // Lost mid-transaction: the connection broke before the statements were done (rolled back).
        const run =
          fault === 'lost-before-commit'
            ? async (tx: unknown) => {
                await body(tx);
                throw lost();
              }
            : fault === 'lost-mid-transaction'
              ? async () => {
                  throw lost();
                }
              : body;
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, [run, ...rest]);
        if (fault === 'lost-after-commit') throw lost();
        return result;
      };
    },
  });
  return {
    db,
    arm(fault) {
      armed = fault;
    },
    disarm() {
      armed = undefined;
    },
    get armed() {
      return armed;
    },
  };
}
