CREATE TYPE "public"."share_role" AS ENUM('READ', 'WRITE');--> statement-breakpoint
ALTER TYPE "public"."feed_event_kind" ADD VALUE 'access';--> statement-breakpoint
CREATE TABLE "instance_shares" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agent_instance_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"email" text NOT NULL,
	"user_id" uuid,
	"role" "share_role" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- The window is now per recipient; the old rows (one per instance, no user) only delay, so they go.
DELETE FROM "notification_throttle";--> statement-breakpoint
ALTER TABLE "notification_throttle" DROP CONSTRAINT "notification_throttle_pkey";--> statement-breakpoint
ALTER TABLE "notification_throttle" ADD COLUMN "user_id" uuid NOT NULL;--> statement-breakpoint
ALTER TABLE "notification_throttle" ADD CONSTRAINT "notification_throttle_agent_instance_id_user_id_pk" PRIMARY KEY("agent_instance_id","user_id");--> statement-breakpoint
ALTER TABLE "instance_shares" ADD CONSTRAINT "instance_shares_agent_instance_id_agent_instances_id_fk" FOREIGN KEY ("agent_instance_id") REFERENCES "public"."agent_instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instance_shares" ADD CONSTRAINT "instance_shares_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instance_shares" ADD CONSTRAINT "instance_shares_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "instance_shares_agent_instance_id_email_index" ON "instance_shares" USING btree ("agent_instance_id","email");--> statement-breakpoint
CREATE INDEX "instance_shares_user_id_index" ON "instance_shares" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "instance_shares_email_index" ON "instance_shares" USING btree ("email");--> statement-breakpoint
ALTER TABLE "notification_throttle" ADD CONSTRAINT "notification_throttle_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;