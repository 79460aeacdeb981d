import { drizzleDefineRelations } from '@multidb/config';
import * as reference from './reference.js';
import * as workspace from './workspace.js';

const build = () =>
  drizzleDefineRelations()({ ...workspace, ...reference }, (r) => ({
    imports: {
      transformations: r.many.transformations(),
      documents: r.many.documents(),
      jobExecutions: r.many.jobExecutions(),
    },
    transformations: {
      import: r.one.imports({ from: r.transformations.importId, to: r.imports.id, optional: false }),
    },
    documents: {
      import: r.one.imports({ from: r.documents.importId, to: r.imports.id }),
      invoices: r.many.invoices(),
    },
    invoices: {
      document: r.one.documents({ from: r.invoices.documentId, to: r.documents.id }),
      currency: r.one.currencies({ from: r.invoices.currencyCode, to: r.currencies.code, optional: false }),
    },
    jobExecutions: {
      import: r.one.imports({ from: r.jobExecutions.importId, to: r.imports.id }),
    },
    currencies: {
      countries: r.many.countries(),
      invoices: r.many.invoices(),
    },
    countries: {
      currency: r.one.currencies({ from: r.countries.currencyCode, to: r.currencies.code, optional: false }),
    },
    exchangeRates: {
      base: r.one.currencies({ from: r.exchangeRates.baseCode, to: r.currencies.code, optional: false }),
      quote: r.one.currencies({ from: r.exchangeRates.quoteCode, to: r.currencies.code, optional: false }),
    },
  }));

export type DataRelations = ReturnType<typeof build>;

let built: DataRelations | undefined;

/**
 * The DATA database's relations for drizzle-orm 1.0 (`defineRelations`, the `relations` option): the same
 * relations as `data-relations.ts` declares for 0.45. Built on first use, on 1.0 only.
 */
export function dataRelations(): DataRelations {
  built ??= build();
  return built;
}
