CREATE TABLE "benefit_grants" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"shopper_id" text NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"tier" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"idempotency_key" text NOT NULL,
	"granted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "benefit_grants_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "crm_api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"scopes" jsonb NOT NULL,
	"secret_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "crm_api_keys_secret_hash_unique" UNIQUE("secret_hash")
);
--> statement-breakpoint
CREATE TABLE "crm_outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"shopper_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"enqueued_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"dead_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "invoice_uploads" (
	"id" text PRIMARY KEY NOT NULL,
	"shopper_id" text NOT NULL,
	"status" text NOT NULL,
	"content_type" text NOT NULL,
	"byte_size" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" text,
	"method" text,
	"fields" jsonb,
	"invoice_key" text,
	"points" integer DEFAULT 0 NOT NULL,
	"refusal_code" text,
	"refusal_message" text,
	"idempotency_key" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "members" (
	"shopper_id" text PRIMARY KEY NOT NULL,
	"tier" text,
	"tier_since" timestamp with time zone,
	"points_multiplier_percent" integer DEFAULT 100 NOT NULL,
	"protection_days" integer DEFAULT 0 NOT NULL,
	"spend_12m" bigint DEFAULT 0 NOT NULL,
	"points_12m" integer DEFAULT 0 NOT NULL,
	"recompute_due" boolean DEFAULT true NOT NULL,
	"recomputed_at" timestamp with time zone,
	"version" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"shopper_id" text NOT NULL,
	"sku" text NOT NULL,
	"amount" bigint NOT NULL,
	"units" integer DEFAULT 0 NOT NULL,
	"reason" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"provider_ref" text,
	"actor" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "order_refunds_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "order_refunds_amount_positive" CHECK ("order_refunds"."amount" > 0),
	CONSTRAINT "order_refunds_units_nonnegative" CHECK ("order_refunds"."units" >= 0)
);
--> statement-breakpoint
CREATE TABLE "points_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"shopper_id" text NOT NULL,
	"amount" integer NOT NULL,
	"reason" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"order_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	CONSTRAINT "points_entries_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "price_protection_claims" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"shopper_id" text NOT NULL,
	"sku" text NOT NULL,
	"credit_key" text NOT NULL,
	"paid_unit_price" bigint NOT NULL,
	"drop_price" bigint NOT NULL,
	"drop_at" timestamp with time zone NOT NULL,
	"per_unit" bigint NOT NULL,
	"units" integer NOT NULL,
	"amount" bigint NOT NULL,
	"source" text NOT NULL,
	"refund_id" text,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "price_protection_claims_credit_key_unique" UNIQUE("credit_key")
);
--> statement-breakpoint
CREATE TABLE "sku_prices" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sku" text NOT NULL,
	"price" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"source" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "invoice_kind" text;--> statement-breakpoint
CREATE INDEX "benefit_grants_shopper" ON "benefit_grants" USING btree ("shopper_id");--> statement-breakpoint
CREATE INDEX "crm_outbox_pending" ON "crm_outbox" USING btree ("created_at") WHERE "crm_outbox"."enqueued_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_uploads_shopper_key" ON "invoice_uploads" USING btree ("shopper_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_uploads_accepted_invoice" ON "invoice_uploads" USING btree ("invoice_key") WHERE "invoice_uploads"."status" = 'accepted';--> statement-breakpoint
CREATE INDEX "invoice_uploads_status" ON "invoice_uploads" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "order_refunds_order" ON "order_refunds" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "order_refunds_shopper" ON "order_refunds" USING btree ("shopper_id");--> statement-breakpoint
CREATE INDEX "points_entries_shopper" ON "points_entries" USING btree ("shopper_id","at");--> statement-breakpoint
CREATE INDEX "points_entries_order" ON "points_entries" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "price_protection_claims_order" ON "price_protection_claims" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "price_protection_claims_at" ON "price_protection_claims" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "sku_prices_sku_price_at" ON "sku_prices" USING btree ("sku","price","at");--> statement-breakpoint
CREATE INDEX "sku_prices_sku_at" ON "sku_prices" USING btree ("sku","at");