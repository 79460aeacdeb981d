/**
 * The Grafana dashboard `dashboards/multidb.json`, built from the panel list below (`pnpm dashboard` writes it;
 * packages/router/test/dashboard.test.ts checks the committed file equals this and that every series it names
 * is in a real scrape). Series are the router's Prometheus exposition with the default prefix `multidb_router_`.
 */

type Unit = 'short' | 'ops' | 's' | 'bytes' | 'dateTimeFromNow' | 'none';

interface Query {
  readonly expr: string;
  readonly legend: string;
}

interface PanelSpec {
  readonly title: string;
  readonly kind: 'timeseries' | 'stat' | 'state-timeline';
  readonly description: string;
  readonly queries: readonly Query[];
  readonly unit?: Unit;
  /** Width in grid columns (24 per row); default 8. */
  readonly width?: number;
  /** up/down style panels: 0 red, 1 green. */
  readonly boolean?: boolean;
}

interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

const P = 'multidb_router_';
const SEL = '{instance=~"$instance"}';
const s = (name: string) => `${P}${name}${SEL}`;
const rate = (name: string) => `rate(${s(name)}[$__rate_interval])`;
const q = (expr: string, legend: string): Query => ({ expr, legend });

export const ROWS: readonly RowSpec[] = [
  {
    title: 'Routing',
    panels: [
      {
        title: 'Queries per intent',
        kind: 'timeseries',
        unit: 'ops',
        description: 'Routed queries per second, per intent (direct: the $primary/$replicas escape hatches).',
        queries: [q(`sum by (intent) (${rate('queries_routed_total')})`, '{{intent}}')],
      },
      {
        title: 'Queries per node',
        kind: 'timeseries',
        unit: 'ops',
        description: 'Which node served the routed queries.',
        queries: [q(`sum by (node) (${rate('queries_routed_total')})`, '{{node}}')],
      },
      {
        title: 'Failovers, retries, refused writes',
        kind: 'timeseries',
        unit: 'ops',
        description:
          'Reads an intent with replicas sent to the primary or a DR node; reads retried on another node after a connection error; writes refused on a read intent.',
        queries: [
          q(`sum(${rate('failovers_total')})`, 'failovers'),
          q(`sum(${rate('retries_total')})`, 'retries'),
          q(`sum(${rate('refused_writes_total')})`, 'refused writes'),
        ],
      },
      {
        title: 'Query errors per node',
        kind: 'timeseries',
        unit: 'ops',
        width: 12,
        description: 'Failed queries per node; kind=connection also counts against the node health.',
        queries: [q(`sum by (node, kind) (${rate('node_query_errors_total')})`, '{{node}} {{kind}}')],
      },
      {
        title: 'Read-your-writes',
        kind: 'timeseries',
        unit: 'ops',
        width: 12,
        description: 'Constrained reads, tokens issued, invalid tokens received.',
        queries: [q(`sum by (event) (${rate('consistency_events_total')})`, '{{event}}')],
      },
    ],
  },
  {
    title: 'Nodes',
    panels: [
      {
        title: 'Node up',
        kind: 'state-timeline',
        boolean: true,
        width: 12,
        description: 'Healthy per the health checks (hysteresis applied).',
        queries: [q(`min by (node) (${s('node_up')})`, '{{node}}')],
      },
      {
        title: 'Node in rotation',
        kind: 'state-timeline',
        boolean: true,
        width: 12,
        description: 'Receives routed reads: healthy and within the lag limits.',
        queries: [q(`min by (node) (${s('node_in_rotation')})`, '{{node}}')],
      },
      {
        title: 'Times taken down',
        kind: 'stat',
        unit: 'short',
        description: 'Times the health checks took the node out of rotation, over the range.',
        queries: [q(`sum by (node) (increase(${s('node_down_total')}[$__range]))`, '{{node}}')],
      },
      {
        title: 'Writable, readable, forced to primary',
        kind: 'stat',
        boolean: true,
        description:
          'Writable: the primary is healthy. Readable: some node is. Forced: forceFailoverToPrimary().',
        queries: [
          q(`min(${s('writable')})`, 'writable'),
          q(`min(${s('readable')})`, 'readable'),
          q(`max(${s('forced_to_primary')})`, 'forced to primary'),
        ],
      },
      {
        title: 'Consecutive failures',
        kind: 'timeseries',
        unit: 'short',
        description: 'Consecutive failed probes or connection errors per node.',
        queries: [q(`max by (node) (${s('node_consecutive_failures')})`, '{{node}}')],
      },
    ],
  },
  {
    title: 'Replica lag',
    panels: [
      {
        title: 'Replica lag (seconds) and limit',
        kind: 'timeseries',
        unit: 's',
        width: 12,
        description:
          'How long the primary has been past each replica replay position, with the lag.maxSeconds limit.',
        queries: [
          q(`max by (node) (${s('node_replication_lag_seconds')})`, '{{node}}'),
          q(`max(${s('node_max_lag_seconds')})`, 'limit'),
        ],
      },
      {
        title: 'Replica lag (bytes) and limit',
        kind: 'timeseries',
        unit: 'bytes',
        width: 12,
        description:
          'WAL bytes each replica has not replayed, with the lag.maxBytes limit (absent when unset).',
        queries: [
          q(`max by (node) (${s('node_replication_lag_bytes')})`, '{{node}}'),
          q(`max(${s('node_max_lag_bytes')})`, 'limit'),
        ],
      },
      {
        title: 'Replication state',
        kind: 'state-timeline',
        width: 24,
        description: 'Replication state of each node as last observed.',
        queries: [q(`max by (node, state) (${s('node_replication_state')}) == 1`, '{{node}} {{state}}')],
      },
    ],
  },
  {
    title: 'Latency',
    panels: [
      {
        title: 'Query latency p50 per node',
        kind: 'timeseries',
        unit: 's',
        description: 'Median over the last 1024 queries of each node.',
        queries: [q(`max by (node) (${s('node_query_latency_p50_seconds')})`, '{{node}}')],
      },
      {
        title: 'Query latency p99 per node',
        kind: 'timeseries',
        unit: 's',
        description: '99th percentile over the last 1024 queries of each node.',
        queries: [q(`max by (node) (${s('node_query_latency_p99_seconds')})`, '{{node}}')],
      },
      {
        title: 'Probe latency and average query latency',
        kind: 'timeseries',
        unit: 's',
        description: 'Health probe round trip (moving average) and the average over every query, per node.',
        queries: [
          q(`max by (node) (${s('node_probe_latency_seconds')})`, '{{node}} probe'),
          q(`max by (node) (${s('node_query_latency_avg_seconds')})`, '{{node}} avg'),
        ],
      },
    ],
  },
  {
    title: 'Backup',
    panels: [
      {
        title: 'Backup queue depth',
        kind: 'timeseries',
        unit: 'short',
        description: 'Rows captured by dual-write and not yet on the backup.',
        queries: [q(`sum(${s('backup_queue_depth')})`, 'depth')],
      },
      {
        title: 'Backup queue lag',
        kind: 'timeseries',
        unit: 's',
        description: 'Age of the oldest row dual-write has not applied to the backup yet.',
        queries: [q(`max(${s('backup_queue_lag_seconds')})`, 'lag')],
      },
      {
        title: 'Dead letters',
        kind: 'stat',
        unit: 'short',
        description: 'Rows dual-write gave up on: total, and new over the range.',
        queries: [
          q(`sum(${s('backup_dead_letters_total')})`, 'total'),
          q(`sum(increase(${s('backup_dead_letters_total')}[$__range]))`, 'new'),
        ],
      },
      {
        title: 'Backup reachable',
        kind: 'state-timeline',
        boolean: true,
        width: 12,
        description:
          '1 while dual-write reaches the backup, 0 from a connection failure until the next apply.',
        queries: [q(`min(${s('backup_reachable')})`, 'dual-write')],
      },
      {
        title: 'Logical replication healthy',
        kind: 'state-timeline',
        boolean: true,
        width: 12,
        description: 'Logical replication to the backup reports no warning.',
        queries: [q(`min(${s('replication_healthy')})`, 'replication')],
      },
      {
        title: 'Logical replication lag and slot',
        kind: 'timeseries',
        unit: 'bytes',
        description: 'WAL the backup has not confirmed, and WAL the slot holds back on the primary.',
        queries: [
          q(`max(${s('replication_lag_bytes')})`, 'lag'),
          q(`max(${s('replication_slot_retained_bytes')})`, 'slot retained'),
        ],
      },
      {
        title: 'Logical replication lag (seconds)',
        kind: 'timeseries',
        unit: 's',
        description: "The primary walsender's replay_lag for the subscription.",
        queries: [q(`max(${s('replication_lag_seconds')})`, 'replay lag')],
      },
      {
        title: 'Logical replication errors',
        kind: 'timeseries',
        unit: 'short',
        description: 'New subscription errors on the backup, per kind (apply, copy).',
        queries: [
          q(`sum by (kind) (increase(${s('replication_errors_total')}[$__rate_interval]))`, '{{kind}}'),
        ],
      },
    ],
  },
  {
    title: 'Drift',
    panels: [
      {
        title: 'Backup equals primary',
        kind: 'stat',
        boolean: true,
        width: 6,
        description: 'The last drift check found no difference (0: differences found, or the check failed).',
        queries: [q(`min(${s('drift_ok')})`, 'drift ok')],
      },
      {
        title: 'Drift differences',
        kind: 'timeseries',
        unit: 'short',
        width: 6,
        description: 'Schema differences plus missing, extra and changed rows found by the last drift check.',
        queries: [q(`max(${s('drift_differences')})`, 'differences')],
      },
      {
        title: 'Last drift check',
        kind: 'stat',
        unit: 'dateTimeFromNow',
        width: 6,
        description: 'When the last drift check finished.',
        queries: [q(`max(${s('drift_last_run_timestamp_seconds')}) * 1000`, 'last run')],
      },
      {
        title: 'Drift check duration',
        kind: 'stat',
        unit: 's',
        width: 6,
        description: 'How long the last drift check took.',
        queries: [q(`max(${s('drift_duration_seconds')})`, 'duration')],
      },
    ],
  },
];

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template literal
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;
const HEIGHT = 8;

function panelJson(spec: PanelSpec, id: number, gridPos: { x: number; y: number; w: number; h: number }) {
  const mappings = spec.boolean
    ? [
        {
          type: 'value',
          options: {
            '0': { text: 'down', color: 'red', index: 0 },
            '1': { text: 'up', color: 'green', index: 1 },
          },
        },
      ]
    : [];
  const thresholds = spec.boolean
    ? [
        { color: 'red', value: null },
        { color: 'green', value: 1 },
      ]
    : [{ color: 'green', value: null }];
  return {
    id,
    type: spec.kind,
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos,
    fieldConfig: {
      defaults: {
        unit: spec.boolean ? 'none' : (spec.unit ?? 'short'),
        mappings,
        thresholds: { mode: 'absolute', steps: thresholds },
        color: { mode: spec.boolean || spec.kind === 'stat' ? 'thresholds' : 'palette-classic' },
      },
      overrides: [],
    },
    options:
      spec.kind === 'stat'
        ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value' }
        : spec.kind === 'state-timeline'
          ? { showValue: 'auto', mergeValues: true, legend: { showLegend: false, displayMode: 'list' } }
          : {
              legend: { showLegend: true, displayMode: 'list', placement: 'bottom' },
              tooltip: { mode: 'multi' },
            },
    targets: spec.queries.map((query, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DATASOURCE,
      expr: query.expr,
      legendFormat: query.legend,
      range: spec.kind !== 'stat',
      instant: spec.kind === 'stat',
    })),
  };
}

/** The dashboard as Grafana imports it: a Prometheus data source variable, an instance filter, rows of panels. */
export function buildDashboard() {
  const panels: unknown[] = [];
  let id = 1;
  let y = 0;
  for (const row of ROWS) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { x: 0, y, w: 24, h: 1 },
      panels: [],
    });
    y += 1;
    let x = 0;
    for (const spec of row.panels) {
      const w = spec.width ?? 8;
      if (x + w > 24) {
        x = 0;
        y += HEIGHT;
      }
      panels.push(panelJson(spec, id++, { x, y, w, h: HEIGHT }));
      x += w;
    }
    y += HEIGHT;
  }
  return {
    uid: 'multidb-router',
    title: 'multidb: router, replicas and backup',
    description:
      'Series of @multidb/router prometheusMetrics() (default prefix multidb_router_): routing, node health, replica lag against the limits, latency, the backup queue, logical replication, drift.',
    tags: ['multidb', 'postgresql'],
    editable: true,
    graphTooltip: 1,
    schemaVersion: 41,
    version: 1,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    annotations: { list: [] },
    links: [],
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Prometheus',
          type: 'datasource',
          query: 'prometheus',
          refresh: 1,
          current: {},
          hide: 0,
          options: [],
        },
        {
          name: 'instance',
          label: 'Instance',
          type: 'query',
          datasource: DATASOURCE,
          query: { query: `label_values(${P}node_up, instance)`, refId: 'instance' },
          definition: `label_values(${P}node_up, instance)`,
          refresh: 2,
          includeAll: true,
          multi: true,
          allValue: '.*',
          current: { text: 'All', value: '$__all' },
          hide: 0,
          options: [],
          sort: 1,
        },
      ],
    },
    panels,
  };
}

/** Every PromQL expression of the dashboard, for the test. */
export function dashboardExpressions(): string[] {
  return ROWS.flatMap((row) => row.panels.flatMap((panel) => panel.queries.map((query) => query.expr)));
}
