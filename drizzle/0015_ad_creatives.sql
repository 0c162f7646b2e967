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
CREATE INDEX "ad_image_variants_image" ON "ad_image_variants" USING btree ("image_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ad_images_sha256" ON "ad_images" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "ad_images_status" ON "ad_images" USING btree ("status","created_at");