CREATE TABLE "staff_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"stores" text[] DEFAULT '{}'::text[] NOT NULL,
	"password_hash" text,
	"disabled_at" timestamp with time zone,
	"sessions_valid_after" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "staff_accounts_role_known" CHECK ("staff_accounts"."role" in ('owner', 'marketer', 'analyst', 'store_staff', 'adviser', 'integration'))
);
--> statement-breakpoint
CREATE TABLE "staff_api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"secret_hash" text NOT NULL,
	"role" text NOT NULL,
	"stores" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "staff_api_keys_role_known" CHECK ("staff_api_keys"."role" in ('owner', 'marketer', 'analyst', 'store_staff', 'adviser', 'integration'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "staff_accounts_email_lower" ON "staff_accounts" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "staff_api_keys_secret_hash" ON "staff_api_keys" USING btree ("secret_hash");