import { MultiBar, Presets, type SingleBar } from 'cli-progress';

export interface NarratorOptions {
  /** `--json`: no prose, no progress; only the final document is printed (by the caller). */
  readonly json: boolean;
  /** Progress bar only for a person at a terminal: not in CI, not into a pipe. */
  readonly tty: boolean;
  readonly ci: boolean;
  readonly out: { write(text: string): unknown };
}

/**
 * Everything the demo says goes through here: prose (unless `--json`), one progress bar over the story's steps
 * with the live request count (on a terminal only), and a record of every character written, so the demo can
 * prove that no secret was printed.
 */
export class Narrator {
  readonly #options: NarratorOptions;
  readonly #written: string[] = [];
  readonly #multi: MultiBar | undefined;
  #bar: SingleBar | undefined;
  #step = 0;
  #requests = 0;
  #failed = 0;
  #startedAt: number | undefined;

  constructor(options: NarratorOptions) {
    this.#options = options;
    this.#multi =
      options.tty && !options.ci && !options.json
        ? new MultiBar(
            {
              stream: options.out as NodeJS.WritableStream,
              format: ' {bar} {value}/{total} | {title} | {requests} requests, {failed} failed',
              hideCursor: true,
              clearOnComplete: true,
              autopadding: true,
              fps: 10,
            },
            Presets.shades_classic,
          )
        : undefined;
  }

  get quiet(): boolean {
    return this.#options.json;
  }

  /** Starts the progress bar over `total` story steps (a no-op without a terminal). */
  begin(total: number): void {
    this.#startedAt = performance.now();
    this.#bar = this.#multi?.create(total, 0, { title: 'starting', requests: 0, failed: 0 });
  }

  /** A numbered section of the story. */
  section(title: string): void {
    this.#step++;
    this.#bar?.update(this.#step - 1, { title });
    this.line('');
    const at =
      this.#startedAt === undefined
        ? ''
        : ` (at ${((performance.now() - this.#startedAt) / 1000).toFixed(1)} s)`;
    this.line(`── ${this.#step}. ${title}${at}`);
  }

  line(text: string): void {
    if (this.#options.json) return;
    this.#emit(`${text}\n`);
  }

  /** An indented detail line. */
  detail(text: string): void {
    this.line(`   ${text}`);
  }

  /** A claim as it is checked: ✓ held, ✗ did not. */
  verdict(held: boolean, text: string): void {
    this.line(`   ${held ? '✓' : '✗'} ${text}`);
  }

  /** Live request figures for the progress bar. */
  requests(total: number, failed: number): void {
    this.#requests = total;
    this.#failed = failed;
    this.#bar?.update({ requests: this.#requests, failed: this.#failed });
  }

  /** Ends the progress bar (the story is done). */
  end(): void {
    if (this.#bar) {
      this.#bar.update(this.#bar.getTotal(), { title: 'done' });
      this.#multi?.stop();
      this.#bar = undefined;
    }
  }

  /** Writes a document as is (the `--json` report, or the final text report). */
  print(text: string): void {
    this.#emit(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Everything written so far. */
  written(): string {
    return this.#written.join('');
  }

  #emit(text: string): void {
    this.#written.push(text);
    if (this.#multi && this.#bar) this.#multi.log(text);
    else this.#options.out.write(text);
  }
}
