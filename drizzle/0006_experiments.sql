CREATE TABLE "experiment_audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"experiment" text NOT NULL,
	"version" integer NOT NULL,
	"before" jsonb,
	"after" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "experiment_exposures" (
	"experiment" text NOT NULL,
	"shopper_id" text NOT NULL,
	"variant" text NOT NULL,
	"exposed_at" timestamp with time zone NOT NULL,
	"device" text NOT NULL,
	"locale" text,
	CONSTRAINT "experiment_exposures_experiment_shopper_id_pk" PRIMARY KEY("experiment","shopper_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "experiment_audit_log_version" ON "experiment_audit_log" USING btree ("experiment","version");