import type { BackupDetail } from '../health/backup-status.js';
import type { HealthStatus } from '../health/health-status.js';
import type { RouterMetricsSnapshot } from '../metrics/router-metrics.js';
import { ROUTE_KEYS } from '../metrics/router-metrics.js';
import type { DriftReading } from '../ops/drift-status.js';

export interface RouterState {
  readonly metrics: RouterMetricsSnapshot;
  readonly health: HealthStatus;
  /** With `backup` sources: their snapshot (see `BACKUP_FAMILIES`). */
  readonly backup?: BackupDetail | undefined;
  /** With a `drift` source: the last drift check (see `DRIFT_FAMILIES`). */
  readonly drift?: DriftReading | undefined;
}

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One Prometheus metric family, read from the router's snapshots at scrape time. */
export interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly labelNames: readonly string[];
  samples(state: RouterState): Sample[];
}

const REPLICATION_STATES = ['primary', 'streaming', 'disconnected', 'not-in-recovery', 'unknown'] as const;

const one = (value: number): Sample[] => [{ labels: {}, value }];
const flag = (value: boolean): number => (value ? 1 : 0);
const seconds = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso) / 1000);
const msToSeconds = (value: number | null): number | null => (value === null ? null : value / 1000);

const nodeMetric = (state: RouterState, name: string) => state.metrics.nodes[name];

type NodeStatus = HealthStatus['nodes'][number];

/** A family with one sample per node (labels `node`, `role`), leaving out unknown values (never a made-up 0). */
function perNodeFamily(
  type: Family['type'],
  name: string,
  help: string,
  value: (node: NodeStatus, state: RouterState) => number | null,
): Family {
  const samples = (state: RouterState): Sample[] => {
    const out: Sample[] = [];
    for (const node of state.health.nodes) {
      const v = value(node, state);
      if (v !== null) out.push({ labels: { node: node.name, role: node.role }, value: v });
    }
    return out;
  };
  return { name, help, type, labelNames: ['node', 'role'], samples };
}

/** A family with one unlabelled sample. */
function scalarFamily(
  type: Family['type'],
  name: string,
  help: string,
  value: (state: RouterState) => number,
): Family {
  return { name, help, type, labelNames: [], samples: (state) => one(value(state)) };
}

/** Every family, without the name prefix. Seconds and bytes as Prometheus conventions want. */
export const FAMILIES: readonly Family[] = [
  {
    name: 'queries_routed_total',
    help: 'Queries routed, per intent (or direct for the $primary/$replicas escape hatches) and node.',
    type: 'counter',
    labelNames: ['intent', 'node'],
    samples: ({ metrics }) =>
      ROUTE_KEYS.flatMap((intent) =>
        Object.entries(metrics.routed[intent]).map(([node, value]) => ({ labels: { intent, node }, value })),
      ),
  },
  scalarFamily(
    'counter',
    'failovers_total',
    'Reads of an intent with replicas that the primary or a DR node served.',
    ({ metrics }) => metrics.failovers,
  ),
  scalarFamily(
    'counter',
    'retries_total',
    'Reads retried once on another node after a connection error.',
    ({ metrics }) => metrics.retries,
  ),
  scalarFamily(
    'counter',
    'refused_writes_total',
    'Writes refused on a read intent.',
    ({ metrics }) => metrics.refusedWrites,
  ),
  {
    name: 'consistency_events_total',
    help: 'Read-your-writes: constrained reads, invalid tokens received, tokens issued.',
    type: 'counter',
    labelNames: ['event'],
    samples: ({ metrics: { consistency } }) => [
      { labels: { event: 'constrained_read' }, value: consistency.constrainedReads },
      { labels: { event: 'invalid_token' }, value: consistency.invalidTokens },
      { labels: { event: 'token_issued' }, value: consistency.tokensIssued },
    ],
  },
  {
    name: 'node_query_errors_total',
    help: 'Failed queries per node; kind="connection" also counts against the node health.',
    type: 'counter',
    labelNames: ['node', 'role', 'kind'],
    samples: (state) =>
      state.health.nodes.flatMap((node) => {
        const m = nodeMetric(state, node.name);
        if (m === undefined) return [];
        const labels = { node: node.name, role: node.role };
        return [
          { labels: { ...labels, kind: 'any' }, value: m.errors },
          { labels: { ...labels, kind: 'connection' }, value: m.connectionErrors },
        ];
      }),
  },
  perNodeFamily(
    'counter',
    'node_down_total',
    'How many times the node was taken out of rotation by its health checks.',
    (node, state) => nodeMetric(state, node.name)?.timesDown ?? null,
  ),
  perNodeFamily('gauge', 'node_up', '1 when the node is healthy (hysteresis applied), else 0.', (node) =>
    flag(node.healthy),
  ),
  perNodeFamily(
    'gauge',
    'node_in_rotation',
    '1 when the node receives routed reads (healthy and within the lag limits).',
    (node) => flag(node.inRotation),
  ),
  perNodeFamily('gauge', 'node_query_latency_avg_seconds', 'Average query latency per node.', (node, state) =>
    msToSeconds(nodeMetric(state, node.name)?.latencyAvgMs ?? null),
  ),
  perNodeFamily(
    'gauge',
    'node_query_latency_p50_seconds',
    'Median query latency per node over the last 1024 queries.',
    (node, state) => msToSeconds(nodeMetric(state, node.name)?.latencyP50Ms ?? null),
  ),
  perNodeFamily(
    'gauge',
    'node_query_latency_p99_seconds',
    '99th percentile of query latency per node over the last 1024 queries.',
    (node, state) => msToSeconds(nodeMetric(state, node.name)?.latencyP99Ms ?? null),
  ),
  perNodeFamily(
    'gauge',
    'node_probe_latency_seconds',
    'Health probe round trip per node (moving average).',
    (node) => msToSeconds(node.latencyMs),
  ),
  perNodeFamily(
    'gauge',
    'node_replication_lag_bytes',
    'WAL bytes the replica has not replayed; absent when unknown.',
    (node) => (node.role === 'primary' ? null : node.lagBytes),
  ),
  perNodeFamily(
    'gauge',
    'node_replication_lag_seconds',
    'How long the primary has been past the replica replay position; absent when unknown.',
    (node) => (node.role === 'primary' ? null : node.lagSeconds),
  ),
  perNodeFamily(
    'gauge',
    'node_max_lag_bytes',
    'The lag limit in WAL bytes past which the replica leaves rotation (lag.maxBytes); absent without one.',
    (node, { metrics }) => (node.role === 'primary' ? null : metrics.lagLimits.maxBytes),
  ),
  perNodeFamily(
    'gauge',
    'node_max_lag_seconds',
    'The lag limit in seconds past which the replica leaves rotation (lag.maxSeconds); absent without one.',
    (node, { metrics }) => (node.role === 'primary' ? null : metrics.lagLimits.maxSeconds),
  ),
  {
    name: 'node_replication_state',
    help: 'Replication state of the node as last observed (1 for the current state).',
    type: 'gauge',
    labelNames: ['node', 'role', 'state'],
    samples: ({ health }) =>
      health.nodes.flatMap((node) =>
        REPLICATION_STATES.map((state) => ({
          labels: { node: node.name, role: node.role, state },
          value: flag(node.replication === state),
        })),
      ),
  },
  perNodeFamily(
    'gauge',
    'node_consecutive_failures',
    'Consecutive failed probes or connection errors of the node.',
    (node) => node.consecutiveFailures,
  ),
  perNodeFamily(
    'gauge',
    'node_last_check_timestamp_seconds',
    'Unix time of the last probe of the node.',
    (node) => seconds(node.lastCheckAt),
  ),
  scalarFamily(
    'gauge',
    'last_health_check_timestamp_seconds',
    'Unix time of the last completed probe round; 0 before the first.',
    ({ metrics }) => seconds(metrics.lastHealthCheckAt) ?? 0,
  ),
  scalarFamily('gauge', 'writable', '1 when the primary is healthy (writes can be served).', ({ health }) =>
    flag(health.writable),
  ),
  scalarFamily('gauge', 'readable', '1 when some node is healthy (reads can be served).', ({ health }) =>
    flag(health.readable),
  ),
  scalarFamily('gauge', 'forced_to_primary', '1 while forceFailoverToPrimary() is in effect.', ({ health }) =>
    flag(health.forcedToPrimary),
  ),
];

/**
 * A backup value as one sample labelled with its engine (`dual-write`, `replication`), or none when the source or
 * the value is unknown (an unlabelled prom-client gauge would print a made-up 0).
 */
function backupFamily(
  type: Family['type'],
  name: string,
  help: string,
  engine: 'dual-write' | 'replication',
  value: (backup: BackupDetail) => number | null | undefined,
): Family {
  return {
    name,
    help,
    type,
    labelNames: ['engine'],
    samples: ({ backup }) => {
      const v = backup === undefined ? undefined : value(backup);
      return v === null || v === undefined ? [] : [{ labels: { engine }, value: v }];
    },
  };
}

/** The backup's engines (`backup` option): dual-write's queue and logical replication, next to the nodes. */
export const BACKUP_FAMILIES: readonly Family[] = [
  backupFamily(
    'gauge',
    'backup_queue_depth',
    'Rows captured by dual-write and not yet on the backup.',
    'dual-write',
    (b) => b.queue?.depth,
  ),
  backupFamily(
    'gauge',
    'backup_queue_lag_seconds',
    'Age of the oldest row dual-write has not applied to the backup yet (0 when none).',
    'dual-write',
    (b) => b.queue?.lagSeconds,
  ),
  backupFamily(
    'counter',
    'backup_dead_letters_total',
    'Rows dual-write gave up on.',
    'dual-write',
    (b) => b.queue?.deadLettered,
  ),
  backupFamily(
    'gauge',
    'backup_reachable',
    '1 while dual-write reaches the backup, 0 from a connection failure until the next apply.',
    'dual-write',
    (b) => (b.queue === undefined ? undefined : flag(b.queue.reachable)),
  ),
  backupFamily(
    'gauge',
    'replication_healthy',
    '1 when logical replication to the backup reports no warning.',
    'replication',
    (b) => (b.replication ? flag(b.replication.healthy) : undefined),
  ),
  backupFamily(
    'gauge',
    'replication_lag_bytes',
    'WAL the backup has not confirmed (primary position minus the slot confirmed_flush_lsn).',
    'replication',
    (b) => b.replication?.lagBytes,
  ),
  backupFamily(
    'gauge',
    'replication_lag_seconds',
    "The primary walsender's replay_lag for the subscription.",
    'replication',
    (b) => b.replication?.lagSeconds,
  ),
  backupFamily(
    'gauge',
    'replication_slot_retained_bytes',
    'WAL the replication slot holds back on the primary.',
    'replication',
    (b) => b.replication?.slotRetainedBytes,
  ),
  {
    name: 'replication_errors_total',
    help: 'Errors of the subscription on the backup (pg_stat_subscription_stats), per kind: apply or copy.',
    type: 'counter',
    labelNames: ['engine', 'kind'],
    samples: ({ backup }) =>
      backup?.replication
        ? [
            { labels: { engine: 'replication', kind: 'apply' }, value: backup.replication.applyErrors },
            { labels: { engine: 'replication', kind: 'copy' }, value: backup.replication.syncErrors },
          ]
        : [],
  },
];

/**
 * A drift value labelled `target="backup"`, or none before the first check (an unlabelled prom-client gauge would
 * print a made-up 0).
 */
function driftFamily(
  name: string,
  help: string,
  value: (drift: DriftReading) => number | null | undefined,
): Family {
  return {
    name,
    help,
    type: 'gauge',
    labelNames: ['target'],
    samples: ({ drift }) => {
      const v = drift === undefined ? undefined : value(drift);
      return v === null || v === undefined ? [] : [{ labels: { target: 'backup' }, value: v }];
    },
  };
}

/** The last drift check (`drift` option): when it ran, whether the backup equals the primary, how much differs. */
export const DRIFT_FAMILIES: readonly Family[] = [
  driftFamily(
    'drift_last_run_timestamp_seconds',
    'Unix time the last drift check between the primary and the backup finished; absent before the first.',
    (drift) => seconds(drift.checkedAt),
  ),
  driftFamily(
    'drift_ok',
    '1 when the last drift check found the backup equal to the primary, 0 when it found differences or failed.',
    (drift) => flag(drift.ok),
  ),
  driftFamily(
    'drift_differences',
    'Schema differences plus missing, extra and changed rows found by the last drift check (absent if it failed).',
    (drift) => (drift.error === null ? drift.differences : null),
  ),
  driftFamily(
    'drift_duration_seconds',
    'How long the last drift check took (absent if it failed).',
    (drift) => (drift.error === null ? drift.durationSeconds : null),
  ),
];
