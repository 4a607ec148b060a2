ALTER TABLE "agent_instances" ADD COLUMN "interrupt_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agent_instances" ADD COLUMN "stop_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "cancelled_at" timestamp with time zone;