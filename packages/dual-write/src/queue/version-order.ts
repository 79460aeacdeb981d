import type { ChangeUnit } from '../apply/change.js';

/** Units in commit order: by version, then by id (capture order). */
export function before<R>(x: ChangeUnit<R>, y: ChangeUnit<R>): boolean {
  const vx = x.version ?? 0;
  const vy = y.version ?? 0;
  return vx < vy || (vx === vy && x.id < y.id);
}

/** Inserts in (version, id) order; captures mostly arrive in order, so the search starts at the end. */
export function insertByVersion<R>(list: ChangeUnit<R>[], unit: ChangeUnit<R>): void {
  let at = list.length;
  while (at > 0 && before(unit, list[at - 1] as ChangeUnit<R>)) at--;
  list.splice(at, 0, unit);
}

/** Merges units handed back by an apply into the pending list, keeping (version, id) order. */
export function mergeByVersion<R>(a: ChangeUnit<R>[], b: readonly ChangeUnit<R>[]): ChangeUnit<R>[] {
  if (a.length === 0) return [...b];
  const sorted = [...a].sort((x, y) => (before(x, y) ? -1 : before(y, x) ? 1 : 0));
  const out: ChangeUnit<R>[] = [];
  let i = 0;
  let j = 0;
  while (i < sorted.length || j < b.length) {
    const x = sorted[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && before(x, y))) {
      out.push(x as ChangeUnit<R>);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}
