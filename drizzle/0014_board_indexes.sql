DROP INDEX "rfm_scores_segment";--> statement-breakpoint
CREATE INDEX "conversations_cohort" ON "conversations" USING btree (coalesce("first_message_at", "opened_at"));--> statement-breakpoint
CREATE INDEX "conversations_waiting" ON "conversations" USING btree ("first_message_at") WHERE "conversations"."status" = 'open' and "conversations"."first_message_at" is not null and "conversations"."first_response_at" is null;--> statement-breakpoint
CREATE INDEX "rfm_scores_segment" ON "rfm_scores" USING btree ("segment","shopper_id");