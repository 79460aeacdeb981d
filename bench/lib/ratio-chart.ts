import type { Ratio } from './bench-kit.js';

/** A horizontal bar chart (SVG) of ratios with each goal marked, so a regression is visible at a glance. */
export function ratioChart(ratios: readonly (Ratio & { area: string })[]): string {
  const rowHeight = 26;
  const labelWidth = 430;
  const plotWidth = 360;
  const max = Math.max(2, ...ratios.map((r) => Math.max(r.value, r.goal))) * 1.1;
  const x = (v: number) => labelWidth + (v / max) * plotWidth;
  const rows = ratios.map((r, i) => {
    const y = 30 + i * rowHeight;
    const met = r.better === 'lower' ? r.value <= r.goal : r.value >= r.goal;
    const label = `${r.area}: ${r.label}`.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    return [
      `<text x="${labelWidth - 8}" y="${y + 14}" text-anchor="end">${label}</text>`,
      `<rect x="${labelWidth}" y="${y + 2}" width="${(x(r.value) - labelWidth).toFixed(1)}" height="16" fill="${met ? '#3a7' : '#d54'}"/>`,
      `<line x1="${x(r.goal).toFixed(1)}" x2="${x(r.goal).toFixed(1)}" y1="${y}" y2="${y + 20}" stroke="#222" stroke-dasharray="3,2"/>`,
      `<text x="${(x(r.value) + 4).toFixed(1)}" y="${y + 14}">${r.value.toFixed(2)}×</text>`,
    ].join('');
  });
  const height = 40 + ratios.length * rowHeight;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 80}" height="${height}" font-family="sans-serif" font-size="12" role="img" aria-labelledby="ratios-title">
<title id="ratios-title">Benchmark ratios to their anchors, with goals</title>
<text x="8" y="16" font-weight="bold">Ratio to the anchor (bar), goal (dashed line); green = goal met</text>
<line x1="${x(1).toFixed(1)}" x2="${x(1).toFixed(1)}" y1="24" y2="${height}" stroke="#999"/>
${rows.join('\n')}
</svg>
`;
}
