CREATE TYPE "public"."launch_kind" AS ENUM('url', 'github');--> statement-breakpoint
ALTER TYPE "public"."webhook_delivery_event" ADD VALUE 'launch';--> statement-breakpoint
CREATE TABLE "launch_targets" (
	"agent_type_id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" "launch_kind" NOT NULL,
	"url" text,
	"body_template" jsonb,
	"github_owner" text,
	"github_repo" text,
	"github_event_type" text,
	"token_sealed" text,
	"fields" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "launch_targets" ADD CONSTRAINT "launch_targets_agent_type_id_agent_types_id_fk" FOREIGN KEY ("agent_type_id") REFERENCES "public"."agent_types"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "launch_targets" ADD CONSTRAINT "launch_targets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;