/** Latency samples (ms) grouped by phase, with nearest-rank percentiles. */
export class LatencyLog {
  readonly #samples = new Map<string, number[]>();

  add(phase: string, ms: number): void {
    let list = this.#samples.get(phase);
    if (list === undefined) {
      list = [];
      this.#samples.set(phase, list);
    }
    list.push(ms);
  }

  count(...phases: string[]): number {
    return this.#pick(phases).length;
  }

  /** Nearest-rank percentile over the given phases (all phases when none given); NaN without samples. */
  percentile(p: number, ...phases: string[]): number {
    return percentile(this.#pick(phases), p);
  }

  #pick(phases: readonly string[]): number[] {
    if (phases.length === 0) return [...this.#samples.values()].flat();
    return phases.flatMap((phase) => this.#samples.get(phase) ?? []);
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** `12.3 ms` / `1.42 s` for the report. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value < 1000 ? `${value.toFixed(1)} ms` : `${(value / 1000).toFixed(2)} s`;
}
