CREATE TABLE "adviser_assignments" (
	"shopper_id" text PRIMARY KEY NOT NULL,
	"adviser_id" text NOT NULL,
	"assigned_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "advisers" (
	"id" text PRIMARY KEY NOT NULL,
	"staff_id" text NOT NULL,
	"display_name" text NOT NULL,
	"on_shift" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"removed_at" timestamp with time zone,
	"last_assigned_at" timestamp with time zone,
	CONSTRAINT "advisers_staff_id_unique" UNIQUE("staff_id")
);
--> statement-breakpoint
CREATE TABLE "conversation_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"conversation_id" text NOT NULL,
	"author" text NOT NULL,
	"author_id" text NOT NULL,
	"body" text NOT NULL,
	"client_key" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conversations" (
	"id" text PRIMARY KEY NOT NULL,
	"shopper_id" text NOT NULL,
	"adviser_id" text NOT NULL,
	"status" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"first_message_at" timestamp with time zone,
	"first_response_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"last_message_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "inbox_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"shopper_id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"link" text,
	"created_at" timestamp with time zone NOT NULL,
	"read_at" timestamp with time zone,
	CONSTRAINT "inbox_messages_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "rfm_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"trigger" text NOT NULL,
	"actor" text NOT NULL,
	"shoppers" integer DEFAULT 0 NOT NULL,
	"sizes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"movement" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rfm_scores" (
	"shopper_id" text PRIMARY KEY NOT NULL,
	"recency_days" integer NOT NULL,
	"frequency" integer NOT NULL,
	"monetary" bigint NOT NULL,
	"r" integer NOT NULL,
	"f" integer NOT NULL,
	"m" integer NOT NULL,
	"segment" text NOT NULL,
	"previous_segment" text,
	"run_id" text NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "rfm_scores_range" CHECK ("rfm_scores"."r" between 1 and 5 and "rfm_scores"."f" between 1 and 5 and "rfm_scores"."m" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "sequence_enrolments" (
	"id" text PRIMARY KEY NOT NULL,
	"sequence_id" text NOT NULL,
	"sequence_version" integer NOT NULL,
	"shopper_id" text NOT NULL,
	"trigger_id" text NOT NULL,
	"status" text NOT NULL,
	"enrolled_at" timestamp with time zone NOT NULL,
	"next_step" integer DEFAULT 0 NOT NULL,
	"next_at" timestamp with time zone,
	"exit_reason" text,
	"ended_at" timestamp with time zone,
	"context" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sequence_sends" (
	"idempotency_key" text PRIMARY KEY NOT NULL,
	"enrolment_id" text NOT NULL,
	"step" integer NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"channels" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"coupon_id" text
);
--> statement-breakpoint
CREATE TABLE "sequence_triggers" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"shopper_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"taken_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "adviser_assignments_adviser" ON "adviser_assignments" USING btree ("adviser_id");--> statement-breakpoint
CREATE UNIQUE INDEX "conversation_messages_once" ON "conversation_messages" USING btree ("conversation_id","client_key");--> statement-breakpoint
CREATE INDEX "conversation_messages_at" ON "conversation_messages" USING btree ("conversation_id","at");--> statement-breakpoint
CREATE INDEX "conversations_shopper" ON "conversations" USING btree ("shopper_id","opened_at");--> statement-breakpoint
CREATE INDEX "conversations_adviser" ON "conversations" USING btree ("adviser_id","status");--> statement-breakpoint
CREATE INDEX "inbox_messages_shopper" ON "inbox_messages" USING btree ("shopper_id","created_at");--> statement-breakpoint
CREATE INDEX "inbox_messages_unread" ON "inbox_messages" USING btree ("shopper_id") WHERE "inbox_messages"."read_at" is null;--> statement-breakpoint
CREATE INDEX "rfm_scores_segment" ON "rfm_scores" USING btree ("segment");--> statement-breakpoint
CREATE UNIQUE INDEX "sequence_enrolments_once" ON "sequence_enrolments" USING btree ("sequence_id","trigger_id");--> statement-breakpoint
CREATE INDEX "sequence_enrolments_shopper" ON "sequence_enrolments" USING btree ("shopper_id","status");--> statement-breakpoint
CREATE INDEX "sequence_sends_enrolment" ON "sequence_sends" USING btree ("enrolment_id");--> statement-breakpoint
CREATE INDEX "sequence_triggers_pending" ON "sequence_triggers" USING btree ("at") WHERE "sequence_triggers"."taken_at" is null;