/** A plain-text table: first row is the header; columns whose cells all look numeric are right-aligned. */
export function textTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  const numeric: boolean[] = [];
  rows.forEach((row, r) => {
    row.forEach((cell, c) => {
      widths[c] = Math.max(widths[c] ?? 0, cell.length);
      if (r > 0) numeric[c] = (numeric[c] ?? true) && (cell === '' || /^[\d.,]+\s*[a-z%/]*$/.test(cell));
    });
  });
  return rows
    .map((row) =>
      row
        .map((cell, c) => (numeric[c] ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');
export const formatMs = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(2)}s`;
