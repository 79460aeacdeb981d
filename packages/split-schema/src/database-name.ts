/** The two databases of a split layout. */
export type DatabaseName = 'primary' | 'data';

export const DATABASE_NAMES: readonly DatabaseName[] = ['primary', 'data'];

/**
 * A database migrations run on: the two of the layout, and the PRIMARY's backup, which gets the migrations of
 * every side that lives in the PRIMARY database (when not split, both).
 */
export type MigrationDatabase = DatabaseName | 'backup';

/** Which databases a command acts on. */
export type DatabaseTarget = DatabaseName | 'all';

export function databasesOf(target: DatabaseTarget): readonly DatabaseName[] {
  return target === 'all' ? DATABASE_NAMES : [target];
}
