import {
  char,
  date,
  foreignKey,
  numeric,
  pgSchema,
  primaryKey,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/** Shared, rebuildable reference data: lives in the DATA database. */
export const referenceSchema = pgSchema('reference');

export const currencies = referenceSchema.table('currencies', {
  code: char('code', { length: 3 }).primaryKey(),
  name: text('name').notNull(),
  symbol: text('symbol').notNull(),
  minorUnits: smallint('minor_units').notNull().default(2),
});

export const countries = referenceSchema.table('countries', {
  code: char('code', { length: 2 }).primaryKey(),
  name: text('name').notNull(),
  currencyCode: char('currency_code', { length: 3 })
    .notNull()
    .references(() => currencies.code),
  callingCode: text('calling_code'),
});

export const exchangeRates = referenceSchema.table(
  'exchange_rates',
  {
    baseCode: char('base_code', { length: 3 }).notNull(),
    quoteCode: char('quote_code', { length: 3 }).notNull(),
    rateDate: date('rate_date').notNull(),
    rate: numeric('rate', { precision: 18, scale: 8 }).notNull(),
    source: text('source').notNull().default('ecb'),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.baseCode, t.quoteCode, t.rateDate] }),
    foreignKey({ name: 'exchange_rates_base_fk', columns: [t.baseCode], foreignColumns: [currencies.code] }),
    foreignKey({
      name: 'exchange_rates_quote_fk',
      columns: [t.quoteCode],
      foreignColumns: [currencies.code],
    }),
  ],
);
