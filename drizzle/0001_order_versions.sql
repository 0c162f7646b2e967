DROP INDEX "orders_shopper_idempotency_key";--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "ranks" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "payment_ref" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "orders_sku_shopper_idempotency_key" ON "orders" USING btree ("sku","shopper_id","idempotency_key");