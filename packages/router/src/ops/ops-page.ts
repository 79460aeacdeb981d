import type { OpsNode, OpsSample, OpsState } from './ops-state.js';

/** The page's live regions, by element id: rendered here for the first load and for every poll. */
export type OpsSections = Readonly<
  Record<'summary' | 'nodes' | 'chart' | 'routing' | 'backup' | 'drift', string>
>;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
/** Every interpolated value goes through this: the page never holds markup from the data. */
export const esc = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

const COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#4d7c0f', '#be185d'];
const dash = '–';

function num(value: number | null | undefined, digits = 0, unit = ''): string {
  if (value === null || value === undefined) return dash;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits })}${unit}`;
}

function bytes(value: number | null | undefined): string {
  if (value === null || value === undefined) return dash;
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toLocaleString('en-US', { maximumFractionDigits: i === 0 ? 0 : 1 })} ${units[i]}`;
}

const time = (iso: string | null | undefined) =>
  iso ? esc(iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')) : dash;

function summary(state: OpsState): string {
  const flag = (ok: boolean, yes: string, no: string) =>
    `<span class="pill ${ok ? 'ok' : 'bad'}">${esc(ok ? yes : no)}</span>`;
  return [
    `<span class="pill status-${esc(state.status)}" data-status="${esc(state.status)}">${esc(state.status)}</span>`,
    flag(state.writable, 'writable', 'not writable'),
    flag(state.readable, 'readable', 'not readable'),
    state.forcedToPrimary ? '<span class="pill warn">forced to primary</span>' : '',
    `<span class="muted">last probe round ${time(state.checkedAt)}</span>`,
  ].join(' ');
}

function lagCell(value: number | null, limit: number | null, format: (v: number | null) => string): string {
  const over = value !== null && limit !== null && value > limit;
  return `<td class="${over ? 'over' : ''}">${format(value)}${limit === null ? '' : ` <span class="muted">/ ${format(limit)}</span>`}</td>`;
}

function nodes(state: OpsState): string {
  const rows = state.nodes.map((n: OpsNode, i) =>
    [
      `<tr data-node="${esc(n.name)}" data-state="${esc(n.state)}">`,
      `<td><span class="swatch c${i % COLORS.length}"></span>${esc(n.name)}</td>`,
      `<td>${esc(n.role)}</td>`,
      `<td><span class="pill state-${esc(n.state)}">${esc(n.state)}</span></td>`,
      `<td>${esc(n.replication)}</td>`,
      n.role === 'primary'
        ? `<td>${dash}</td><td>${dash}</td>`
        : lagCell(n.lagSeconds, state.lagLimits.maxSeconds, (v) => num(v, 2, ' s')) +
          lagCell(n.lagBytes, state.lagLimits.maxBytes, bytes),
      `<td>${num(n.latencyMs, 1, ' ms')}</td>`,
      `<td>${num(n.latencyP50Ms, 1)} / ${num(n.latencyP99Ms, 1)} ms</td>`,
      `<td>${num(n.queries)}</td>`,
      `<td>${num(n.errors)}</td>`,
      `<td>${num(n.timesDown)}</td>`,
      `<td class="err">${n.lastError === null ? '' : esc(n.lastError)}</td>`,
      '</tr>',
    ].join(''),
  );
  return [
    '<table><thead><tr><th>node</th><th>role</th><th>state</th><th>replication</th><th>lag</th><th>lag bytes</th>',
    '<th>probe</th><th>p50 / p99</th><th>queries</th><th>errors</th><th>times down</th><th>last error</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
  ].join('');
}

const W = 720;
const H = 160;
const STRIP = 12;

/** Queries per second per node over the history, and a strip per node: up, out of rotation, down. */
export function chart(state: OpsState): string {
  const samples = state.history;
  const names = state.nodes.map((n) => n.name);
  const height = H + 8 + names.length * (STRIP + 4);
  const open = `<svg id="history" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="live history" data-samples="${samples.length}">`;
  if (samples.length < 2) return `${open}<text x="8" y="20" class="muted">collecting samples…</text></svg>`;
  const t0 = (samples[0] as OpsSample).t;
  const t1 = (samples.at(-1) as OpsSample).t;
  const x = (t: number) => (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * W);
  const rates = names.map((name) =>
    samples.slice(1).map((s, i) => {
      const prev = samples[i] as OpsSample;
      const dq = (s.nodes[name]?.queries ?? 0) - (prev.nodes[name]?.queries ?? 0);
      return { t: s.t, v: Math.max(0, (dq * 1000) / Math.max(1, s.t - prev.t)) };
    }),
  );
  const max = Math.max(1, ...rates.flat().map((p) => p.v));
  const y = (v: number) => H - (v / max) * (H - 16);
  const lines = rates.map(
    (points, i) =>
      `<polyline class="line c${i % COLORS.length}" data-node="${esc(names[i])}" points="${points
        .map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`)
        .join(' ')}"/>`,
  );
  const strips = names.map((name, i) => {
    const top = H + 8 + i * (STRIP + 4);
    const cells = samples.slice(1).map((s, j) => {
      const prev = samples[j] as OpsSample;
      const st = s.nodes[name]?.state ?? 'down';
      return `<rect class="st-${st}" x="${x(prev.t).toFixed(1)}" y="${top}" width="${Math.max(0.5, x(s.t) - x(prev.t)).toFixed(1)}" height="${STRIP}"/>`;
    });
    return cells.join('');
  });
  const axis = `<line class="axis" x1="0" y1="${H}" x2="${W}" y2="${H}"/><text x="4" y="12" class="muted">${esc(num(max, 1))} q/s</text>`;
  return `${open}${axis}${lines.join('')}${strips.join('')}</svg>`;
}

function legend(state: OpsState): string {
  return state.nodes
    .map(
      (n, i) =>
        `<span class="legend"><span class="swatch c${i % COLORS.length}"></span>${esc(n.name)}</span>`,
    )
    .join('');
}

function routing(state: OpsState): string {
  const names = state.nodes.map((n) => n.name);
  const rows = state.routing.intents.map((intent) => {
    const counts = state.routing.counts[intent] ?? {};
    const cells = names.map((name) => `<td>${num(counts[name] ?? 0)}</td>`).join('');
    const total = names.reduce((sum, name) => sum + (counts[name] ?? 0), 0);
    return `<tr data-intent="${esc(intent)}"><td>${esc(intent)}</td>${cells}<td><b>${num(total)}</b></td></tr>`;
  });
  const head = names.map((name) => `<th>${esc(name)}</th>`).join('');
  const r = state.routing;
  return [
    `<table><thead><tr><th>intent</th>${head}<th>total</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    `<p>failovers <b>${num(r.failovers)}</b> · retries <b>${num(r.retries)}</b> · refused writes <b>${num(r.refusedWrites)}</b></p>`,
  ].join('');
}

function backup(state: OpsState): string {
  const parts: string[] = [];
  if (state.writers.length > 0) {
    const rows = state.writers.map(({ name, queue: q }) =>
      q === null
        ? `<tr><td>${esc(name)}</td><td colspan="6" class="muted">unavailable</td></tr>`
        : `<tr data-writer="${esc(name)}"><td>${esc(name)}</td><td>${esc(q.mode)}</td><td>${num(q.depth)}</td><td>${num(q.lagSeconds, 2, ' s')}</td><td>${num(q.deadLettered)}</td><td>${num(q.overflowed)}</td><td><span class="pill ${q.reachable ? 'ok' : 'bad'}">${q.reachable ? 'reachable' : 'unreachable'}</span></td></tr>`,
    );
    parts.push(
      '<table><thead><tr><th>writer</th><th>mode</th><th>queued</th><th>oldest</th><th>dead letters</th><th>overflowed</th><th>backup</th></tr></thead>',
      `<tbody>${rows.join('')}</tbody></table>`,
    );
  }
  if (state.replication !== undefined) {
    const r = state.replication;
    parts.push(
      r === null
        ? '<p class="muted">logical replication: no reading yet</p>'
        : `<p>logical replication <span class="pill ${r.healthy ? 'ok' : 'bad'}">${r.healthy ? 'healthy' : 'warning'}</span> lag ${bytes(r.lagBytes)}, ${num(r.lagSeconds, 2, ' s')} · slot retains ${bytes(r.slotRetainedBytes)} · errors apply ${num(r.applyErrors)}, copy ${num(r.syncErrors)}</p>${r.warnings.map((w) => `<p class="err">${esc(w)}</p>`).join('')}`,
    );
  }
  return parts.length === 0 ? '<p class="muted">no backup source configured</p>' : parts.join('');
}

function drift(state: OpsState): string {
  const d = state.drift;
  if (d === undefined) return '<p class="muted">no drift source configured</p>';
  if (d === null) return '<p class="muted">no drift check yet</p>';
  const verdict = d.error
    ? `<span class="pill bad">failed: ${esc(d.error)}</span>`
    : d.ok
      ? '<span class="pill ok">backup equals primary</span>'
      : `<span class="pill bad">${num(d.differences)} differences</span>`;
  return `<p data-drift="${d.ok ? 'ok' : 'drift'}">${verdict} · ${num(d.tables)} tables in ${num(d.durationSeconds, 2, ' s')} · finished ${time(d.checkedAt)}</p>`;
}

export function renderSections(state: OpsState): OpsSections {
  return {
    summary: summary(state),
    nodes: nodes(state),
    chart: `${chart(state)}<div>${legend(state)} <span class="legend"><span class="swatch st-up"></span>up</span><span class="legend"><span class="swatch st-out"></span>out of rotation</span><span class="legend"><span class="swatch st-down"></span>down</span></div>`,
    routing: routing(state),
    backup: backup(state),
    drift: drift(state),
  };
}

const CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--card:#f9fafb}
@media (prefers-color-scheme:dark){:root{--bg:#0b1020;--fg:#e5e7eb;--muted:#9ca3af;--line:#1f2937;--card:#111827}}
body{margin:0;font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:var(--bg);color:var(--fg)}
header{display:flex;gap:12px;align-items:center;padding:12px 20px;border-bottom:1px solid var(--line)}
h1{font-size:16px;margin:0}h2{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:0 0 8px}
main{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px;padding:16px 20px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px;overflow-x:auto}
section.wide{grid-column:1/-1}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);white-space:nowrap}
th{font-weight:600;color:var(--muted);font-size:12px}
.muted{color:var(--muted)}.err{color:#b91c1c;white-space:normal;max-width:28em;font-size:12px}.over{color:#b91c1c;font-weight:600}
.pill{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;background:var(--line)}
.ok,.state-up,.status-ok{background:#dcfce7;color:#166534}.bad,.state-down,.status-down{background:#fee2e2;color:#991b1b}
.warn,.state-out,.status-degraded{background:#fef3c7;color:#92400e}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:middle}
.legend{margin-right:14px;font-size:12px}
svg .line{fill:none;stroke-width:2}svg .axis{stroke:var(--line)}svg text{font-size:11px;fill:var(--muted)}
${COLORS.map((c, i) => `.c${i}{background:${c};stroke:${c}}`).join('')}
.st-up{fill:#22c55e;background:#22c55e}.st-out{fill:#f59e0b;background:#f59e0b}.st-down{fill:#ef4444;background:#ef4444}
#stale{display:none}#stale.on{display:inline}
`;

/** Polls `?state` and swaps each section's server-rendered HTML in. No other request, no library. */
const SCRIPT = (pollMs: number) => `
(() => {
  const url = location.pathname + '?state=1';
  const stale = document.getElementById('stale');
  const updated = document.getElementById('updated');
  async function tick() {
    try {
      const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
      if (!res.ok) throw new Error(String(res.status));
      const body = await res.json();
      for (const [id, html] of Object.entries(body.sections)) {
        const el = document.getElementById(id);
        if (el) el.innerHTML = html;
      }
      updated.textContent = body.state.at;
      stale.classList.remove('on');
    } catch {
      stale.classList.add('on');
    } finally {
      setTimeout(tick, ${pollMs});
    }
  }
  setTimeout(tick, ${pollMs});
})();
`;

/** The whole page: inline CSS and script under the response's nonce, no external resource. */
export function renderPage(
  state: OpsState,
  options: { title: string; nonce: string; pollMs: number },
): string {
  const s = renderSections(state);
  const n = esc(options.nonce);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${esc(options.title)}</title><style nonce="${n}">${CSS}</style></head>
<body><header><h1>${esc(options.title)}</h1><div id="summary">${s.summary}</div>
<span class="muted">updated <span id="updated">${esc(state.at)}</span></span><span id="stale" class="pill bad">stale</span></header>
<main>
<section class="wide"><h2>Nodes</h2><div id="nodes">${s.nodes}</div></section>
<section class="wide"><h2>Live history: queries per second and state per node</h2><div id="chart">${s.chart}</div></section>
<section><h2>Routing per intent</h2><div id="routing">${s.routing}</div></section>
<section><h2>Backup</h2><div id="backup">${s.backup}</div></section>
<section class="wide"><h2>Last drift check</h2><div id="drift">${s.drift}</div></section>
</main>
<script nonce="${n}">${SCRIPT(options.pollMs)}</script></body></html>`;
}
