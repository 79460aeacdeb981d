import { countries, currencies, exchangeRates } from './reference.js';
import { relations } from './relations-v1.js';
import { documents, imports, invoices, jobExecutions, transformations } from './workspace.js';

/** Relations v1 (`relations()`, the `schema` option of drizzle-orm 0.45) of the DATA database; they never leave it. */
export const importsRelations = relations(imports, ({ many }) => ({
  transformations: many(transformations),
  documents: many(documents),
  jobExecutions: many(jobExecutions),
}));

export const transformationsRelations = relations(transformations, ({ one }) => ({
  import: one(imports, { fields: [transformations.importId], references: [imports.id] }),
}));

export const documentsRelations = relations(documents, ({ one, many }) => ({
  import: one(imports, { fields: [documents.importId], references: [imports.id] }),
  invoices: many(invoices),
}));

export const invoicesRelations = relations(invoices, ({ one }) => ({
  document: one(documents, { fields: [invoices.documentId], references: [documents.id] }),
  currency: one(currencies, { fields: [invoices.currencyCode], references: [currencies.code] }),
}));

export const jobExecutionsRelations = relations(jobExecutions, ({ one }) => ({
  import: one(imports, { fields: [jobExecutions.importId], references: [imports.id] }),
}));

export const currenciesRelations = relations(currencies, ({ many }) => ({
  countries: many(countries),
  invoices: many(invoices),
}));

export const countriesRelations = relations(countries, ({ one }) => ({
  currency: one(currencies, { fields: [countries.currencyCode], references: [currencies.code] }),
}));

export const exchangeRatesRelations = relations(exchangeRates, ({ one }) => ({
  base: one(currencies, { fields: [exchangeRates.baseCode], references: [currencies.code] }),
  quote: one(currencies, { fields: [exchangeRates.quoteCode], references: [currencies.code] }),
}));
