CREATE TABLE "event_dead_letters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"body" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_drops" (
	"day" text NOT NULL,
	"reason" text NOT NULL,
	"count" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"shopper_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"sku" text,
	"category" text,
	"order_id" text,
	"amount" bigint,
	"device" text NOT NULL,
	"locale" text,
	"page" text,
	"referrer" text,
	"utm" jsonb,
	"experiments" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"props" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "event_drops_day_reason" ON "event_drops" USING btree ("day","reason");--> statement-breakpoint
CREATE INDEX "events_shopper_at" ON "events" USING btree ("shopper_id","at");--> statement-breakpoint
CREATE INDEX "events_type_at" ON "events" USING btree ("type","at");--> statement-breakpoint
CREATE INDEX "events_sku_at" ON "events" USING btree ("sku","at");