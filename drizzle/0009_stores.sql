CREATE TABLE "store_staff_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"store_id" text NOT NULL,
	"label" text NOT NULL,
	"secret_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "store_staff_tokens_secret_hash_unique" UNIQUE("secret_hash")
);
--> statement-breakpoint
CREATE TABLE "stores" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"address" text NOT NULL,
	"city" text NOT NULL,
	"latitude" double precision NOT NULL,
	"longitude" double precision NOT NULL,
	"h3_cell" text,
	"time_zone" text NOT NULL,
	"opening_hours" jsonb NOT NULL,
	"redeem_only_when_open" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "stores_latitude_range" CHECK ("stores"."latitude" between -90 and 90),
	CONSTRAINT "stores_longitude_range" CHECK ("stores"."longitude" between -180 and 180)
);
--> statement-breakpoint
ALTER TABLE "store_staff_tokens" ADD CONSTRAINT "store_staff_tokens_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "store_staff_tokens_store" ON "store_staff_tokens" USING btree ("store_id");--> statement-breakpoint
CREATE INDEX "stores_city" ON "stores" USING btree ("city");--> statement-breakpoint
CREATE INDEX "stores_h3_cell" ON "stores" USING btree ("h3_cell");