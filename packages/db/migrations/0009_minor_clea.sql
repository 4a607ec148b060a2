ALTER TABLE "agent_instances" ADD COLUMN "step_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Existing instances start from the steps they already have.
UPDATE "agent_instances" SET "step_count" = (SELECT count(*) FROM "messages" m WHERE m."agent_instance_id" = "agent_instances"."id" AND m."sender_type" = 'AGENT' AND NOT m."requires_user_input");
