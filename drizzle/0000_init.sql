CREATE TABLE "order_status_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" text PRIMARY KEY NOT NULL,
	"sku" text NOT NULL,
	"shopper_id" text NOT NULL,
	"qty" integer NOT NULL,
	"unit_prices" jsonb NOT NULL,
	"total_amount" integer NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"tier" text,
	"status" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	CONSTRAINT "orders_qty_positive" CHECK ("orders"."qty" > 0),
	CONSTRAINT "orders_total_nonnegative" CHECK ("orders"."total_amount" >= 0)
);
--> statement-breakpoint
ALTER TABLE "order_status_history" ADD CONSTRAINT "order_status_history_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "order_status_history_once" ON "order_status_history" USING btree ("order_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_shopper_idempotency_key" ON "orders" USING btree ("shopper_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "orders_sku_status" ON "orders" USING btree ("sku","status");