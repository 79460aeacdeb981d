import type { RowDifferenceKind } from './drift-types.js';

export interface KeyedDifference {
  readonly kind: RowDifferenceKind;
  /** JSON of the key's text values. */
  readonly key: string;
}

/** Rows of the same key range on both sides (key → row hash) → what is missing, extra or changed on the target. */
export function diffRows(
  source: ReadonlyMap<string, string>,
  target: ReadonlyMap<string, string>,
): KeyedDifference[] {
  const out: KeyedDifference[] = [];
  for (const [key, hash] of source) {
    const other = target.get(key);
    if (other === undefined) out.push({ kind: 'missing', key });
    else if (other !== hash) out.push({ kind: 'changed', key });
  }
  for (const key of target.keys()) if (!source.has(key)) out.push({ kind: 'extra', key });
  return out;
}
