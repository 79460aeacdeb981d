import { sqlWords } from './sql-lexer.js';

/**
 * `read`: a plain read that a replica may serve. `write`: data-modifying or DDL (refused on read intents).
 * `primary`: anything not provably a plain read (locking reads, sequences, session state, utility
 * statements): it runs on the primary.
 */
export type StatementClass = 'read' | 'write' | 'primary';

const READ_STARTERS = new Set(['select', 'with', 'values', 'table']);
const WRITE_WORDS = new Set(['insert', 'update', 'delete', 'merge', 'into']);
const WRITE_STARTERS = new Set([
  ...WRITE_WORDS,
  'create',
  'drop',
  'alter',
  'truncate',
  'grant',
  'revoke',
  'comment',
  'refresh',
  'reindex',
  'cluster',
  'vacuum',
  'lock',
  'copy',
  'security',
  'import',
]);
/** `FOR UPDATE`, `FOR NO KEY UPDATE`, `FOR SHARE`, `FOR KEY SHARE`: row locks need the primary. */
const LOCK_STRENGTHS = new Set(['update', 'share', 'no', 'key']);
const LOCKING_PREFIX = new Set(['for', 'key']);
/** Functions that write, take locks, change session state or fail on a standby. */
const PRIMARY_FUNCTIONS =
  /^(nextval|setval|currval|lastval|set_config|pg_notify|txid_current|pg_current_|pg_advisory|pg_try_advisory|pg_switch_wal|pg_create_|pg_drop_|pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_promote|pg_wal_replay_|pg_logical_emit|pg_replication_origin|pg_replication_slot|pg_stat_reset|pg_import_|lo_|dblink)/;

const CACHE_LIMIT = 2000;
const cache = new Map<string, StatementClass>();

/** Conservative classification of raw SQL, cached by text (Drizzle builds the same text for the same query). */
export function classifySql(text: string): StatementClass {
  const known = cache.get(text);
  if (known !== undefined) return known;
  const result = classifyWords(text);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, result);
  return result;
}

function classifyWords(text: string): StatementClass {
  const words = sqlWords(text);
  if (words.length === 0) return 'primary';
  let result: StatementClass = 'read';
  let previous = '';
  for (const word of words) {
    if (word.starts && !word.quoted && !READ_STARTERS.has(word.text)) {
      if (WRITE_STARTERS.has(word.text)) return 'write';
      result = 'primary';
    } else if (!word.quoted && previous === 'for' && LOCK_STRENGTHS.has(word.text)) {
      result = 'primary';
    } else if (!word.quoted && WRITE_WORDS.has(word.text) && !LOCKING_PREFIX.has(previous)) {
      return 'write';
    } else if (word.call && PRIMARY_FUNCTIONS.test(word.text)) {
      result = 'primary';
    }
    previous = word.quoted ? '' : word.text;
  }
  return result;
}
