CREATE TABLE "demand_forecasts" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"target_kind" text NOT NULL,
	"target_key" text NOT NULL,
	"record" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "forecast_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"source" text NOT NULL,
	"requested_by" text,
	"progress" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_at" timestamp with time zone NOT NULL,
	"claimed_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "order_payments" (
	"order_id" text NOT NULL,
	"kind" text NOT NULL,
	"amount" bigint NOT NULL,
	"payment_ref" text,
	"paid_at" timestamp with time zone NOT NULL,
	CONSTRAINT "order_payments_order_id_kind_pk" PRIMARY KEY("order_id","kind"),
	CONSTRAINT "order_payments_amount" CHECK ("order_payments"."amount" >= 0)
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "presale" jsonb;--> statement-breakpoint
ALTER TABLE "demand_forecasts" ADD CONSTRAINT "demand_forecasts_run_id_forecast_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."forecast_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_payments" ADD CONSTRAINT "order_payments_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "demand_forecasts_once" ON "demand_forecasts" USING btree ("run_id","target_kind","target_key");--> statement-breakpoint
CREATE INDEX "demand_forecasts_latest" ON "demand_forecasts" USING btree ("target_kind","target_key","created_at");--> statement-breakpoint
CREATE INDEX "forecast_runs_status" ON "forecast_runs" USING btree ("status","created_at");--> statement-breakpoint
-- Orders paid before payment lines existed get their one `full` line, so every paid order has its lines.
INSERT INTO "order_payments" ("order_id", "kind", "amount", "payment_ref", "paid_at")
SELECT "id", 'full', "total_amount", "payment_ref", "updated_at" FROM "orders" WHERE "status" = 'paid'
ON CONFLICT DO NOTHING;
