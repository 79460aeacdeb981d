/**
 * `pnpm bench`: runs every benchmark in bench/*.ts, one process each so they cannot disturb each other, then
 * writes BENCHMARKS.md (machine, date, figures, ratio to the anchor) and a plot of the headline ratios.
 * `pnpm bench router sync` runs only those areas.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machine, type Ratio, verdict } from '../bench/lib/bench-kit.js';
import { ratioChart } from '../bench/lib/ratio-chart.js';

const root = join(import.meta.dirname, '..');
const benchDir = join(root, 'bench');
const resultsDir = join(benchDir, 'results');
const only = process.argv.slice(2);
const areas = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((a) => only.length === 0 || only.includes(a))
  .sort();

const failed: string[] = [];
for (const area of areas) {
  process.stdout.write(`\n### bench ${area}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, `${area}.ts`)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: '--expose-gc' },
  });
  if (run.status !== 0) failed.push(area);
}

const sections: string[] = [];
const ratios: (Ratio & { area: string })[] = [];
for (const file of readdirSync(resultsDir)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  const area = file.slice(0, -5);
  const result = JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as {
    machine: string;
    ratios: Ratio[];
  };
  for (const r of result.ratios) ratios.push({ ...r, area });
  const md = join(resultsDir, `${area}.md`);
  if (existsSync(md)) sections.push(readFileSync(md, 'utf8').trim());
}
writeFileSync(join(benchDir, 'ratios.svg'), ratioChart(ratios));
// Written by hand: what the figures mean where a goal is not met (kept next to the table it explains).
const notesFile = join(benchDir, 'NOTES.md');
const notes = existsSync(notesFile) ? `\n${readFileSync(notesFile, 'utf8').trim()}\n` : '';
const table = ratios.map((r) => `| ${r.area} | ${r.label} | ${verdict(r)} |`).join('\n');
writeFileSync(
  join(root, 'BENCHMARKS.md'),
  `# Benchmarks

Produced by \`pnpm bench\` (each comparison in its own process, median and p10–p90 spread over repeated runs).
Last assembled on ${machine()}. Each section names the machine and date it was measured on.

![headline ratios](bench/ratios.svg)

| area | comparison | ratio to the anchor |
| --- | --- | --- |
${table}
${notes}
${sections.join('\n\n')}
`,
);
if (failed.length > 0) {
  process.stderr.write(`benchmarks failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
