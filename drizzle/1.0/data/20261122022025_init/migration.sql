CREATE SCHEMA "workspace";
--> statement-breakpoint
CREATE SCHEMA "reference";
--> statement-breakpoint
CREATE TYPE "workspace"."import_status" AS ENUM('pending', 'processing', 'completed', 'failed');--> statement-breakpoint
CREATE TYPE "workspace"."invoice_status" AS ENUM('draft', 'issued', 'paid', 'void');--> statement-breakpoint
CREATE TYPE "workspace"."job_status" AS ENUM('queued', 'running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TABLE "workspace"."audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "workspace"."audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"organization_id" uuid,
	"actor_id" uuid,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "workspace"."documents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"import_id" uuid,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"storage_key" text NOT NULL,
	"byte_size" bigint DEFAULT 0 NOT NULL,
	"checksum" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workspace"."imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"client_id" uuid,
	"file_name" text NOT NULL,
	"row_count" integer DEFAULT 0 NOT NULL,
	"status" "workspace"."import_status" DEFAULT 'pending' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workspace"."invoices" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"document_id" uuid,
	"number" text NOT NULL,
	"status" "workspace"."invoice_status" DEFAULT 'draft' NOT NULL,
	"currency_code" char(3) NOT NULL,
	"total" numeric(14, 2) DEFAULT '0' NOT NULL,
	"issued_on" date NOT NULL,
	"due_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workspace"."job_executions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"job_name" text NOT NULL,
	"status" "workspace"."job_status" DEFAULT 'queued' NOT NULL,
	"attempt" integer DEFAULT 1 NOT NULL,
	"import_id" uuid,
	"payload" jsonb,
	"error" text,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workspace"."transformations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"import_id" uuid NOT NULL,
	"name" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"definition" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"rows_in" integer DEFAULT 0 NOT NULL,
	"rows_out" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reference"."countries" (
	"code" char(2) PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"currency_code" char(3) NOT NULL,
	"calling_code" text
);
--> statement-breakpoint
CREATE TABLE "reference"."currencies" (
	"code" char(3) PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"symbol" text NOT NULL,
	"minor_units" smallint DEFAULT 2 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reference"."exchange_rates" (
	"base_code" char(3) NOT NULL,
	"quote_code" char(3) NOT NULL,
	"rate_date" date NOT NULL,
	"rate" numeric(18, 8) NOT NULL,
	"source" text DEFAULT 'ecb' NOT NULL,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exchange_rates_base_code_quote_code_rate_date_pk" PRIMARY KEY("base_code","quote_code","rate_date")
);
--> statement-breakpoint
ALTER TABLE "workspace"."documents" ADD CONSTRAINT "documents_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "workspace"."imports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace"."invoices" ADD CONSTRAINT "invoices_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "workspace"."documents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace"."invoices" ADD CONSTRAINT "invoices_currency_code_currencies_code_fk" FOREIGN KEY ("currency_code") REFERENCES "reference"."currencies"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace"."job_executions" ADD CONSTRAINT "job_executions_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "workspace"."imports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace"."transformations" ADD CONSTRAINT "transformations_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "workspace"."imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reference"."countries" ADD CONSTRAINT "countries_currency_code_currencies_code_fk" FOREIGN KEY ("currency_code") REFERENCES "reference"."currencies"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reference"."exchange_rates" ADD CONSTRAINT "exchange_rates_base_fk" FOREIGN KEY ("base_code") REFERENCES "reference"."currencies"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reference"."exchange_rates" ADD CONSTRAINT "exchange_rates_quote_fk" FOREIGN KEY ("quote_code") REFERENCES "reference"."currencies"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_organization_occurred_idx" ON "workspace"."audit_log" USING btree ("organization_id","occurred_at");--> statement-breakpoint
CREATE INDEX "documents_organization_id_idx" ON "workspace"."documents" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "documents_import_id_idx" ON "workspace"."documents" USING btree ("import_id");--> statement-breakpoint
CREATE UNIQUE INDEX "documents_storage_key_key" ON "workspace"."documents" USING btree ("storage_key");--> statement-breakpoint
CREATE INDEX "imports_organization_created_idx" ON "workspace"."imports" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_organization_number_key" ON "workspace"."invoices" USING btree ("organization_id","number");--> statement-breakpoint
CREATE INDEX "invoices_organization_issued_idx" ON "workspace"."invoices" USING btree ("organization_id","issued_on");--> statement-breakpoint
CREATE INDEX "invoices_document_id_idx" ON "workspace"."invoices" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "job_executions_job_status_idx" ON "workspace"."job_executions" USING btree ("job_name","status");--> statement-breakpoint
CREATE INDEX "transformations_import_id_idx" ON "workspace"."transformations" USING btree ("import_id");