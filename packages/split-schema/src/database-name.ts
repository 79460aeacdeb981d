/** The two databases of a split layout. */
export type DatabaseName = 'primary' | 'data';

export const DATABASE_NAMES: readonly DatabaseName[] = ['primary', 'data'];

/** Which databases a command acts on. */
export type DatabaseTarget = DatabaseName | 'all';

export function databasesOf(target: DatabaseTarget): readonly DatabaseName[] {
  return target === 'all' ? DATABASE_NAMES : [target];
}
