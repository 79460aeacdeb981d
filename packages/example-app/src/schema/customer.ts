import { randomUUID } from 'node:crypto';
import { char, index, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** The paying customers and their own clients: lives in the PRIMARY database. */
export const customerSchema = pgSchema('customer');

export const organizationPlan = customerSchema.enum('organization_plan', ['free', 'team', 'enterprise']);

export const organizations = customerSchema.table(
  'organizations',
  {
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => randomUUID()),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    plan: organizationPlan('plan').notNull().default('free'),
    // reference.countries is in the DATA database: a plain code, no foreign key.
    countryCode: char('country_code', { length: 2 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdateFn(() => new Date()),
  },
  (t) => [uniqueIndex('organizations_slug_key').on(t.slug)],
);

export const clients = customerSchema.table(
  'clients',
  {
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => randomUUID()),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    email: text('email'),
    externalRef: text('external_ref').notNull(),
    // reference.currencies is in the DATA database: a plain code, no foreign key.
    currencyCode: char('currency_code', { length: 3 }).notNull().default('EUR'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdateFn(() => new Date()),
  },
  (t) => [
    uniqueIndex('clients_organization_external_ref_key').on(t.organizationId, t.externalRef),
    index('clients_organization_id_idx').on(t.organizationId),
  ],
);
