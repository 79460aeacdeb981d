import type { Readable, Writable } from 'node:stream';

const FLUSH_BYTES = 1024 * 1024;

const ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Decodes one field of COPY's text format (`\N` is NULL; backslash escapes as documented for COPY). */
export function decodeCopyField(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_match, code: string) => {
    if (code.startsWith('x') && code.length > 1)
      return String.fromCharCode(Number.parseInt(code.slice(1), 16));
    if (/^[0-7]+$/.test(code)) return String.fromCharCode(Number.parseInt(code, 8));
    return ESCAPES[code] ?? code;
  });
}

export interface PumpedCopy {
  readonly rows: number;
  /** Decodes fields of the last row at the given positions; `undefined` when no row went through. */
  lastFields(positions: readonly number[]): string[] | undefined;
}

/**
 * Moves a COPY text stream from `source` to `sink` in writes of about 1 MiB (postgres.js hands over one small
 * buffer per row, and each sink write is a socket write), honouring backpressure. Counts rows (a raw newline
 * always ends a row: newlines inside values are escaped) and keeps the last one, so the chunk's last key is known
 * without another query. Resolves once the sink has finished (the server confirmed the COPY). `onRows` hears the
 * running row count at each write (about every 1 MiB), for progress.
 */
export function pumpCopy(
  source: Readable,
  sink: Writable,
  onRows?: (rows: number) => void,
): Promise<PumpedCopy> {
  let rows = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // The last complete row is kept as (buffer, start, end) and only copied out at the end: no allocation per row.
  let partial: Buffer[] = [];
  let lastChunk: Buffer | undefined;
  let lastStart = 0;
  let lastEnd = 0;
  const release = (): boolean => {
    if (pendingBytes === 0) return true;
    const data = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    onRows?.(rows);
    return sink.write(data);
  };
  return new Promise<PumpedCopy>((resolve, reject) => {
    const fail = (error: Error) => {
      source.off('data', onData);
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      let last = -1;
      let previous = -1;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) {
        rows += 1;
        previous = last;
        last = at;
      }
      if (last === -1) partial.push(chunk);
      else {
        if (previous === -1 && partial.length > 0) {
          lastChunk = Buffer.concat([...partial, chunk.subarray(0, last)]);
          lastStart = 0;
          lastEnd = lastChunk.length;
        } else {
          lastChunk = chunk;
          lastStart = previous + 1;
          lastEnd = last;
        }
        partial = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= FLUSH_BYTES && !release()) {
        source.pause();
        sink.once('drain', () => source.resume());
      }
    };
    source.on('data', onData);
    source.once('error', fail);
    sink.once('error', fail);
    source.once('end', () => {
      release();
      sink.end();
    });
    sink.once('finish', () =>
      resolve({
        rows,
        lastFields(positions) {
          if (lastChunk === undefined) return undefined;
          const fields = lastChunk.toString('utf8', lastStart, lastEnd).split('\t');
          return positions.map((p) => decodeCopyField(fields[p] ?? '\\N') as string);
        },
      }),
    );
  });
}
