import type { AnyPgDatabase } from '@multidb/config';
import { countries, currencies, exchangeRates } from '../schema/reference.js';
import { createRandom } from './random.js';

export const CURRENCIES = [
  { code: 'EUR', name: 'Euro', symbol: '€', minorUnits: 2 },
  { code: 'USD', name: 'US Dollar', symbol: '$', minorUnits: 2 },
  { code: 'GBP', name: 'Pound Sterling', symbol: '£', minorUnits: 2 },
  { code: 'CHF', name: 'Swiss Franc', symbol: 'CHF', minorUnits: 2 },
  { code: 'JPY', name: 'Yen', symbol: '¥', minorUnits: 0 },
  { code: 'SEK', name: 'Swedish Krona', symbol: 'kr', minorUnits: 2 },
  { code: 'PLN', name: 'Zloty', symbol: 'zł', minorUnits: 2 },
  { code: 'CAD', name: 'Canadian Dollar', symbol: '$', minorUnits: 2 },
] as const satisfies readonly (typeof currencies.$inferInsert)[];

export const COUNTRIES = [
  { code: 'DE', name: 'Germany', currencyCode: 'EUR', callingCode: '+49' },
  { code: 'FR', name: 'France', currencyCode: 'EUR', callingCode: '+33' },
  { code: 'NL', name: 'Netherlands', currencyCode: 'EUR', callingCode: '+31' },
  { code: 'ES', name: 'Spain', currencyCode: 'EUR', callingCode: '+34' },
  { code: 'US', name: 'United States', currencyCode: 'USD', callingCode: '+1' },
  { code: 'GB', name: 'United Kingdom', currencyCode: 'GBP', callingCode: '+44' },
  { code: 'CH', name: 'Switzerland', currencyCode: 'CHF', callingCode: '+41' },
  { code: 'JP', name: 'Japan', currencyCode: 'JPY', callingCode: '+81' },
  { code: 'SE', name: 'Sweden', currencyCode: 'SEK', callingCode: '+46' },
  { code: 'PL', name: 'Poland', currencyCode: 'PLN', callingCode: '+48' },
  { code: 'CA', name: 'Canada', currencyCode: 'CAD', callingCode: '+1' },
] as const satisfies readonly (typeof countries.$inferInsert)[];

/** Rough EUR rates the generated series wander around. */
const EUR_RATES: Readonly<Record<string, number>> = {
  USD: 1.08,
  GBP: 0.85,
  CHF: 0.95,
  JPY: 160,
  SEK: 11.4,
  PLN: 4.3,
  CAD: 1.47,
};

export interface ReferenceDataOptions {
  /** Days of EUR exchange rates, ending at `lastDay` (default 30). */
  readonly days?: number;
  /** ISO date of the last rate (default 2024-12-31). */
  readonly lastDay?: string;
  readonly seed?: number;
}

export interface ReferenceDataCounts {
  readonly currencies: number;
  readonly countries: number;
  readonly exchangeRates: number;
}

export function makeExchangeRates(options: ReferenceDataOptions = {}): (typeof exchangeRates.$inferInsert)[] {
  const random = createRandom(options.seed ?? 1);
  const days = options.days ?? 30;
  const last = Date.parse(`${options.lastDay ?? '2024-12-31'}T00:00:00Z`);
  const rows: (typeof exchangeRates.$inferInsert)[] = [];
  for (const [quote, start] of Object.entries(EUR_RATES)) {
    let rate = start;
    for (let day = days - 1; day >= 0; day--) {
      rate *= 1 + (random.next() - 0.5) * 0.01;
      const rateDate = new Date(last - day * 86_400_000).toISOString().slice(0, 10);
      const rounded = rate.toFixed(8);
      rows.push({
        baseCode: 'EUR',
        quoteCode: quote,
        rateDate,
        rate: rounded,
        source: 'ecb',
        fetchedAt: new Date(last),
      });
    }
  }
  return rows;
}

/** Currencies, countries and a deterministic EUR rate series; existing rows are kept (safe to run twice). */
export async function seedReferenceData(
  db: AnyPgDatabase,
  options: ReferenceDataOptions = {},
): Promise<ReferenceDataCounts> {
  const rates = makeExchangeRates(options);
  await db
    .insert(currencies)
    .values([...CURRENCIES])
    .onConflictDoNothing();
  await db
    .insert(countries)
    .values([...COUNTRIES])
    .onConflictDoNothing();
  for (let i = 0; i < rates.length; i += 500) {
    await db
      .insert(exchangeRates)
      .values(rates.slice(i, i + 500))
      .onConflictDoNothing();
  }
  return { currencies: CURRENCIES.length, countries: COUNTRIES.length, exchangeRates: rates.length };
}
