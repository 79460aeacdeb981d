/** What a query is for. The router maps each intent to the nodes that may serve it. */
export type Intent = 'write' | 'transactional' | 'read' | 'analytics' | 'background';
export const INTENTS: readonly Intent[] = ['write', 'transactional', 'read', 'analytics', 'background'];
/** Intents a replica may serve (writes never go to a replica). */
export type ReadIntent = 'read' | 'analytics' | 'background';
export const READ_INTENTS: readonly ReadIntent[] = ['read', 'analytics', 'background'];

export interface ReplicaConfig {
  readonly name: string;
  readonly url: string;
  /** `dr` nodes serve reads only when nothing better is healthy. */
  readonly role: 'replica' | 'dr';
  readonly intents: readonly ReadIntent[];
  readonly weight: number;
}

export interface BackupConfig {
  readonly url: string;
  readonly enabled: boolean;
}

/** The settled, validated and frozen database layout of an application. */
export interface Topology {
  readonly primaryUrl: string;
  /** Where the DATA schemas live; equals `primaryUrl` when `splitMode` is false. */
  readonly dataUrl: string;
  readonly splitMode: boolean;
  readonly replicas: readonly ReplicaConfig[];
  readonly backup: BackupConfig | undefined;
  readonly logQueries: boolean;
  /** Where each setting came from (`option`, the env variable name, or `default`), for diagnostics. */
  readonly sources: Readonly<Record<string, string>>;
  /** Settings that were given but have no effect (e.g. `DATA_DATABASE_URL` with `SPLIT_DB_MODE=false`). */
  readonly warnings: readonly string[];
}

/**
 * Makes a topology safe to log by accident: `JSON.stringify` and `console.log`/`util.inspect` show every URL
 * redacted. The URLs themselves stay readable as properties, since the toolkit must connect with them.
 */
export function withSafePrinting<T extends object>(value: T, redact: (text: string) => string): T {
  const printable = () => JSON.parse(redact(JSON.stringify({ ...value }))) as unknown;
  Object.defineProperty(value, 'toJSON', { value: printable, enumerable: false });
  Object.defineProperty(value, Symbol.for('nodejs.util.inspect.custom'), {
    value: printable,
    enumerable: false,
  });
  return value;
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
