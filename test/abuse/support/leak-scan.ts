import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';

/** A password nobody else uses: letters and digits only, so URL encoding cannot disguise it. */
export function uniqueMarker(): string {
  return `LeakMark${randomBytes(8).toString('hex')}`;
}

/** `scheme://user:password@` with a real password (redaction leaves `:***@`). */
const CREDENTIALS_IN_URL = /[a-z][a-z0-9+.-]*:\/\/[^\s/@:'"]+:(?!\*\*\*@)[^\s/@'"]+@/i;

/** Every text an operator or a log collector could see, by where it came from. */
export class LeakScan {
  readonly #marker: string;
  readonly captured: { readonly source: string; readonly text: string }[] = [];

  constructor(marker: string) {
    this.#marker = marker;
  }

  add(source: string, text: unknown): void {
    this.captured.push({ source, text: typeof text === 'string' ? text : safeJson(text) });
  }

  /** The sources whose text holds the marker (verbatim or percent-encoded) or a URL with a password. */
  leaks(): string[] {
    const encoded = encodeURIComponent(this.#marker);
    return this.captured
      .filter(
        ({ text }) => text.includes(this.#marker) || text.includes(encoded) || CREDENTIALS_IN_URL.test(text),
      )
      .map(({ source, text }) => `${source}: ${text.slice(0, 300)}`);
  }

  expectClean(minimumSources: number): void {
    expect(this.captured.length).toBeGreaterThanOrEqual(minimumSources);
    expect(this.leaks()).toEqual([]);
  }
}

/** JSON of anything: cycles cut, errors with their message and cause, bigints as text. */
function safeJson(value: unknown): string {
  const seen = new WeakSet<object>();
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Error) return { ...v, name: v.name, message: v.message, cause: v.cause };
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[cycle]';
      seen.add(v);
    }
    return v;
  });
  return text ?? String(value);
}
