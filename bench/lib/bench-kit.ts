import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzleLine, drizzleVersion } from '@multidb/config';

export interface Sample {
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
  readonly runs: number;
}

/** Median and spread (p10–p90) of `runs` measurements, after warm-up runs that are thrown away. */
export async function measure(fn: () => Promise<number> | number, runs = 7, warmup = 1): Promise<Sample> {
  for (let i = 0; i < warmup; i++) await fn();
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await fn());
  values.sort((a, b) => a - b);
  const at = (q: number) => values[Math.min(values.length - 1, Math.floor(q * values.length))] as number;
  return { median: at(0.5), p10: at(0.1), p90: at(0.9), runs };
}

/** Time one call in milliseconds. */
export async function timeMs(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export function fmt(sample: Sample, unit = 'ms', digits = 3): string {
  const n = (v: number) => v.toFixed(digits);
  return `${n(sample.median)} ${unit} (p10 ${n(sample.p10)} – p90 ${n(sample.p90)}, n=${sample.runs})`;
}

/** A headline ratio for BENCHMARKS.md and its plot. */
export interface Ratio {
  readonly label: string;
  readonly value: number;
  readonly goal: number;
  /** `lower`: the ratio should stay at or under the goal; `higher`: at or over it. */
  readonly better: 'lower' | 'higher';
}

export function verdict(r: Ratio): string {
  const met = r.better === 'lower' ? r.value <= r.goal : r.value >= r.goal;
  return `${r.value.toFixed(2)}× (goal ${r.better === 'lower' ? '≤' : '≥'} ${r.goal}×) ${met ? 'met' : 'NOT met'}`;
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** The installed drizzle-orm, for the sections' headers: `drizzle-orm 0.45.4`. */
export function drizzleUnderTest(): string {
  return `drizzle-orm ${drizzleVersion}`;
}

/**
 * Writes `bench/results/<area>.md` and `.json`; `pnpm bench` assembles them into BENCHMARKS.md. With drizzle-orm
 * 1.0 installed (`scripts/use-drizzle.sh 1.0`) the results go to `<area>-drizzle-1.*` instead, the section title
 * and every ratio label naming the version, so the 0.45 figures stay next to them.
 */
export function writeResults(area: string, markdown: string, ratios: readonly Ratio[]): void {
  mkdirSync(resultsDir, { recursive: true });
  const v1 = drizzleLine() === '1.0';
  const file = v1 ? `${area}-drizzle-1` : area;
  const md = v1 ? markdown.replace(/^## (.+)$/m, `## $1 on ${drizzleUnderTest()}`) : markdown;
  const labelled = v1 ? ratios.map((r) => ({ ...r, label: `${drizzleUnderTest()}: ${r.label}` })) : ratios;
  writeFileSync(join(resultsDir, `${file}.md`), md);
  writeFileSync(
    join(resultsDir, `${file}.json`),
    `${JSON.stringify({ area: file, machine: machine(), ratios: labelled }, null, 2)}\n`,
  );
  process.stdout.write(md);
}
