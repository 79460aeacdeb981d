/**
 * Text output of a value depends on session settings; both databases must print the same value the same way
 * (checksums) and read back what the other printed (copies). Set per transaction so a caller's session is left
 * as it was.
 */
export const FIXED_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  TimeZone: 'UTC',
  DateStyle: 'ISO, YMD',
  IntervalStyle: 'postgres',
  extra_float_digits: '1',
  bytea_output: 'hex',
  lc_monetary: 'C',
  standard_conforming_strings: 'on',
});

/** One statement (works with the extended protocol) that applies {@link FIXED_SETTINGS} to the transaction. */
export const FIXED_SETTINGS_SQL = `SELECT ${Object.entries(FIXED_SETTINGS)
  .map(([name, value]) => `set_config('${name}', '${value}', true)`)
  .join(', ')}`;
