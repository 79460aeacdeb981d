/** Where the backup's logical replication runs, and under which names. */
export interface ReplicationOptions {
  /** The primary (publisher): a `postgres://` URL. */
  readonly primary: string;
  /** The backup (subscriber): a `postgres://` URL. */
  readonly backup: string;
  /**
   * How the BACKUP server reaches the primary: the subscription's connection string, stored on the backup (in
   * `pg_subscription`, readable by superusers only). Default: `primary`. Set it when the backup sees the primary
   * under another host name (a private network, a pooler that cannot do replication).
   */
  readonly publisherUrl?: string;
  /** Name of the publication, the subscription and its slot. Default `multidb_backup`. */
  readonly name?: string;
  /**
   * Tables to replicate (`schema.table`; `public` when no schema). Default: every table of the primary outside
   * system and bookkeeping schemas (`multidb`, `multidb_*`, `drizzle`).
   */
  readonly tables?: readonly string[];
}

export interface SetupOptions extends ReplicationOptions {
  /**
   * The initial copy needs empty backup tables (rows already there would be copied twice, or collide). `true`
   * empties them first, in one statement, after the pre-flight; default `false` (non-empty tables are a problem).
   */
  readonly truncate?: boolean;
  /** Skip the initial copy (the backup already holds exactly the primary's rows as of now). Default `false`. */
  readonly skipCopy?: boolean;
  /** How long to wait for the initial copy, in ms. Default 600 000. */
  readonly timeoutMs?: number;
  /** Called while the initial copy runs: tables ready out of all. */
  readonly onProgress?: (progress: { readonly ready: number; readonly total: number }) => void;
}

/** One condition the pre-flight found unmet; every problem is reported at once. */
export interface ReplicationProblem {
  /** Stable name of the check, e.g. `wal_level`, `replica-identity`, `schema`. */
  readonly check: ReplicationCheck;
  readonly side: 'primary' | 'backup';
  /** What is wrong and what to do about it; credentials removed. */
  readonly message: string;
}

export type ReplicationCheck =
  | 'wal_level'
  | 'replication-slots'
  | 'wal-senders'
  | 'primary-privileges'
  | 'replica-identity'
  | 'backup-privileges'
  | 'schema'
  | 'backup-not-empty'
  | 'backup-reaches-primary'
  | 'already-set-up'
  | 'no-tables';

export type ReplicationError =
  | { readonly type: 'InvalidOptions'; readonly message: string }
  | { readonly type: 'ConnectFailed'; readonly side: 'primary' | 'backup'; readonly message: string }
  | {
      readonly type: 'PreflightFailed';
      readonly message: string;
      readonly problems: readonly ReplicationProblem[];
    }
  | { readonly type: 'SetupFailed'; readonly message: string }
  | { readonly type: 'InitialCopyFailed'; readonly message: string; readonly tables: readonly string[] }
  | { readonly type: 'NotSetUp'; readonly message: string }
  | { readonly type: 'StatementFailed'; readonly side: 'primary' | 'backup'; readonly message: string };

export interface SetupReport {
  readonly name: string;
  /** The published tables, `schema.table`. */
  readonly tables: readonly string[];
  /** Whether the initial copy ran (`skipCopy: false`). */
  readonly copied: boolean;
  readonly truncated: boolean;
  readonly ms: number;
}

/** A table's state in the subscription (`pg_subscription_rel.srsubstate`). */
export type TableSyncState = 'init' | 'data-copy' | 'finished-copy' | 'synchronized' | 'ready' | 'unknown';

export interface ReplicationStatus {
  readonly name: string;
  /** The subscription exists on the backup. */
  readonly subscribed: boolean;
  readonly enabled: boolean;
  readonly tables: readonly { readonly table: string; readonly state: TableSyncState }[];
  /**
   * Bytes of WAL the backup has not confirmed: the primary's current WAL position minus the slot's
   * `confirmed_flush_lsn`. `undefined` when the primary or the slot cannot be read.
   */
  readonly lagBytes: number | undefined;
  /** The walsender's `replay_lag` in ms (`undefined` when idle long enough for PostgreSQL to reset it, or unknown). */
  readonly lagMs: number | undefined;
  /** ms since the backup last heard from the primary (`pg_stat_subscription.last_msg_receipt_time`). */
  readonly lastMessageAgeMs: number | undefined;
  /** Slot state on the primary. */
  readonly slot:
    | {
        readonly active: boolean;
        /** `reserved`, `extended`, `unreserved` (about to lose WAL) or `lost` (the subscription is broken). */
        readonly walStatus: string | null;
        /** WAL the slot holds back on the primary, bytes. */
        readonly retainedBytes: number;
        /** Bytes left before `max_slot_wal_keep_size` invalidates the slot; `null` when unlimited. */
        readonly safeWalBytes: number | null;
      }
    | undefined;
  /** `pg_stat_subscription_stats`: errors of the apply worker and of the initial table copies. */
  readonly applyErrors: number;
  readonly syncErrors: number;
  /** Everything an operator should look at now; empty when healthy. */
  readonly warnings: readonly string[];
  readonly healthy: boolean;
}

export interface SequenceSyncReport {
  /** Sequences set on the backup, `schema.sequence`. */
  readonly synced: readonly string[];
  /** Sequences of the primary that the backup lacks. */
  readonly missing: readonly string[];
}

export interface TeardownReport {
  readonly subscriptionDropped: boolean;
  readonly publicationDropped: boolean;
  readonly slotDropped: boolean;
  /** Set when the primary could not be reached: what is left there to drop (run teardown again later). */
  readonly leftOnPrimary: readonly string[];
}
