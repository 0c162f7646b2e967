CREATE TABLE "propagation_edges" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"campaign" text NOT NULL,
	"inviter_id" text NOT NULL,
	"invitee_id" text NOT NULL,
	"kind" text NOT NULL,
	"order_id" text,
	"amount" bigint,
	"at" timestamp with time zone NOT NULL,
	"tree_edge" boolean DEFAULT false NOT NULL,
	CONSTRAINT "propagation_edges_once" UNIQUE NULLS NOT DISTINCT("campaign","inviter_id","invitee_id","kind","order_id"),
	CONSTRAINT "propagation_edges_kind_known" CHECK ("propagation_edges"."kind" in ('visit', 'join', 'order')),
	CONSTRAINT "propagation_edges_not_self" CHECK ("propagation_edges"."inviter_id" <> "propagation_edges"."invitee_id"),
	CONSTRAINT "propagation_edges_order_has_id" CHECK (("propagation_edges"."kind" = 'order') = ("propagation_edges"."order_id" is not null)),
	CONSTRAINT "propagation_edges_amount_nonnegative" CHECK ("propagation_edges"."amount" >= 0)
);
--> statement-breakpoint
CREATE TABLE "referral_codes" (
	"code" text PRIMARY KEY NOT NULL,
	"shopper_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "referral_codes_shopper_id" UNIQUE("shopper_id")
);
--> statement-breakpoint
CREATE TABLE "share_landings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"shopper_id" text NOT NULL,
	"referral_code" text,
	"referrer_id" text,
	"utm_source" text,
	"utm_medium" text,
	"utm_campaign" text,
	"utm_term" text,
	"utm_content" text,
	"landed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "propagation_edges_one_parent" ON "propagation_edges" USING btree ("campaign","invitee_id") WHERE "propagation_edges"."tree_edge";--> statement-breakpoint
CREATE INDEX "propagation_edges_campaign_at" ON "propagation_edges" USING btree ("campaign","at");--> statement-breakpoint
CREATE INDEX "share_landings_shopper_landed_at" ON "share_landings" USING btree ("shopper_id","landed_at");--> statement-breakpoint
CREATE INDEX "share_landings_campaign_landed_at" ON "share_landings" USING btree ("utm_campaign","landed_at");