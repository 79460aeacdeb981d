import { randomUUID } from 'node:crypto';
import {
  bigint,
  char,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgSchema,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { currencies } from './reference.js';

/**
 * Bulk, rebuildable working data: lives in the DATA database. Organization, client and user ids point into the
 * PRIMARY database, so they are plain uuids without foreign keys.
 */
export const workspaceSchema = pgSchema('workspace');

export const importStatus = workspaceSchema.enum('import_status', [
  'pending',
  'processing',
  'completed',
  'failed',
]);
export const jobStatus = workspaceSchema.enum('job_status', ['queued', 'running', 'succeeded', 'failed']);
export const invoiceStatus = workspaceSchema.enum('invoice_status', ['draft', 'issued', 'paid', 'void']);

export const imports = workspaceSchema.table(
  'imports',
  {
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => randomUUID()),
    organizationId: uuid('organization_id').notNull(),
    clientId: uuid('client_id'),
    fileName: text('file_name').notNull(),
    rowCount: integer('row_count').notNull().default(0),
    status: importStatus('status').notNull().default('pending'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [index('imports_organization_created_idx').on(t.organizationId, t.createdAt)],
);

export const transformations = workspaceSchema.table(
  'transformations',
  {
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => randomUUID()),
    importId: uuid('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    version: integer('version').notNull().default(1),
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull().default({}),
    rowsIn: integer('rows_in').notNull().default(0),
    rowsOut: integer('rows_out').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdateFn(() => new Date()),
  },
  (t) => [index('transformations_import_id_idx').on(t.importId)],
);

export const documents = workspaceSchema.table(
  'documents',
  {
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => randomUUID()),
    organizationId: uuid('organization_id').notNull(),
    importId: uuid('import_id').references(() => imports.id, { onDelete: 'set null' }),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    storageKey: text('storage_key').notNull(),
    byteSize: bigint('byte_size', { mode: 'number' }).notNull().default(0),
    checksum: text('checksum'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('documents_organization_id_idx').on(t.organizationId),
    index('documents_import_id_idx').on(t.importId),
    uniqueIndex('documents_storage_key_key').on(t.storageKey),
  ],
);

export const invoices = workspaceSchema.table(
  'invoices',
  {
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => randomUUID()),
    organizationId: uuid('organization_id').notNull(),
    clientId: uuid('client_id').notNull(),
    documentId: uuid('document_id').references(() => documents.id, { onDelete: 'set null' }),
    number: text('number').notNull(),
    status: invoiceStatus('status').notNull().default('draft'),
    currencyCode: char('currency_code', { length: 3 })
      .notNull()
      .references(() => currencies.code),
    total: numeric('total', { precision: 14, scale: 2 }).notNull().default('0'),
    issuedOn: date('issued_on').notNull(),
    dueOn: date('due_on'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdateFn(() => new Date()),
  },
  (t) => [
    uniqueIndex('invoices_organization_number_key').on(t.organizationId, t.number),
    index('invoices_organization_issued_idx').on(t.organizationId, t.issuedOn),
    index('invoices_document_id_idx').on(t.documentId),
  ],
);

export const auditLog = workspaceSchema.table(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    organizationId: uuid('organization_id'),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_log_organization_occurred_idx').on(t.organizationId, t.occurredAt)],
);

export const jobExecutions = workspaceSchema.table(
  'job_executions',
  {
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => randomUUID()),
    jobName: text('job_name').notNull(),
    status: jobStatus('status').notNull().default('queued'),
    attempt: integer('attempt').notNull().default(1),
    importId: uuid('import_id').references(() => imports.id, { onDelete: 'set null' }),
    payload: jsonb('payload').$type<Record<string, unknown>>(),
    error: text('error'),
    queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('job_executions_job_status_idx').on(t.jobName, t.status)],
);
