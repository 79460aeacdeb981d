import type { SyncProgress } from '@multidb/sync';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';

/** One progress bar per table while it copies (cli-progress), on a terminal only. */
export class SyncProgressBars {
  readonly #multi: MultiBar;
  readonly #bars = new Map<string, SingleBar>();

  constructor(stream: NodeJS.WritableStream) {
    this.#multi = new MultiBar(
      {
        stream,
        format: ' {bar} {percentage}% | {value}/{total} rows | {table}',
        hideCursor: true,
        clearOnComplete: false,
        autopadding: true,
      },
      Presets.shades_classic,
    );
  }

  readonly update = (event: SyncProgress): void => {
    const total = Math.max(event.rowsTotal, event.rowsDone, 1);
    let bar = this.#bars.get(event.table);
    if (bar === undefined) {
      if (event.phase !== 'start') return;
      bar = this.#multi.create(total, event.rowsDone, { table: event.table });
      this.#bars.set(event.table, bar);
    }
    bar.setTotal(event.phase === 'done' ? Math.max(event.rowsDone, 1) : total);
    bar.update(event.phase === 'done' ? Math.max(event.rowsDone, 1) : event.rowsDone, { table: event.table });
  };

  stop(): void {
    this.#multi.stop();
  }
}
