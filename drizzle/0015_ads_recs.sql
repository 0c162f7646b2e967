CREATE TABLE "ad_image_variants" (
	"id" text NOT NULL,
	"format" text NOT NULL,
	"image_id" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"byte_size" integer NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ad_image_variants_id_format_pk" PRIMARY KEY("id","format")
);
--> statement-breakpoint
CREATE TABLE "ad_images" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"content_type" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"byte_size" integer NOT NULL,
	"sha256" text NOT NULL,
	"original" "bytea" NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"claimed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text,
	"rendered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "lookalike_audience_members" (
	"audience_id" text NOT NULL,
	"rank" integer NOT NULL,
	"shopper_id" text NOT NULL,
	"score" double precision NOT NULL,
	CONSTRAINT "lookalike_audience_members_audience_id_rank_pk" PRIMARY KEY("audience_id","rank")
);
--> statement-breakpoint
CREATE TABLE "lookalike_audiences" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"seed_kind" text NOT NULL,
	"seed_source" text,
	"seed_ids" jsonb,
	"percent_tenths" integer NOT NULL,
	"status" text NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"seed_count" integer NOT NULL,
	"pool_size" integer,
	"size" integer,
	"holdout_recall" double precision,
	"error" text,
	"idempotency_key" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"claimed_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"built_at" timestamp with time zone,
	CONSTRAINT "lookalike_audiences_percent" CHECK ("lookalike_audiences"."percent_tenths" between 10 and 100),
	CONSTRAINT "lookalike_audiences_progress" CHECK ("lookalike_audiences"."progress" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "lookalike_audience_members" ADD CONSTRAINT "lookalike_audience_members_audience_id_lookalike_audiences_id_fk" FOREIGN KEY ("audience_id") REFERENCES "public"."lookalike_audiences"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ad_image_variants_image" ON "ad_image_variants" USING btree ("image_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ad_images_sha256" ON "ad_images" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "ad_images_status" ON "ad_images" USING btree ("status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "lookalike_audience_members_once" ON "lookalike_audience_members" USING btree ("audience_id","shopper_id");--> statement-breakpoint
CREATE UNIQUE INDEX "lookalike_audiences_idempotency_key" ON "lookalike_audiences" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "lookalike_audiences_status" ON "lookalike_audiences" USING btree ("status","created_at");